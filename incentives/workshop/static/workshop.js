// The workshop page's own script: sliders and number fields move together, the editor marks the
// lines of problems, the graph's picture says when it is being drawn.  Everything else (sending
// changes, swapping results in, replacing stale requests) is htmx, declared in the page.
(function () {
  "use strict";

  // A slider sets its number field (which the form sends) and a number field moves its slider.
  // Capture phase: this runs before htmx's own listener sees the event on the form.
  document.addEventListener("input", function (event) {
    var target = event.target;
    if (!(target instanceof HTMLInputElement)) return;
    if (target.classList.contains("slider")) {
      var number = document.getElementById(target.dataset.number);
      if (number) number.value = target.value;
    } else if (target.classList.contains("number")) {
      var slider = document.getElementById(target.dataset.slider);
      if (slider && target.value !== "") slider.value = target.value;
    } else if (target.classList.contains("paid")) {
      var row = target.closest(".control");
      if (row) row.classList.toggle("dropped", !target.checked);
    }
  }, true);

  // The editor: a backdrop behind the text area marks each line with a problem and says what it is.
  var MAX_MARKED_LINES = 20000;

  function marks() {
    var holder = document.querySelector("#problems .problems");
    if (!holder) return [];
    try {
      return JSON.parse(holder.dataset.marks || "[]");
    } catch (err) {
      return [];
    }
  }

  function drawEditor() {
    var area = document.getElementById("model-text");
    var gutter = document.querySelector(".editor .gutter");
    var backdrop = document.querySelector(".editor .backdrop");
    if (!area || !gutter || !backdrop) return;
    var lines = area.value.split("\n");
    var count = Math.min(lines.length, MAX_MARKED_LINES);
    var byLine = {};
    marks().forEach(function (mark) {
      (byLine[mark.line] = byLine[mark.line] || []).push(mark.message);
    });
    var numbers = document.createDocumentFragment();
    var rows = document.createDocumentFragment();
    for (var k = 1; k <= count; k++) {
      var number = document.createElement("div");
      var row = document.createElement("div");
      number.className = "line";
      row.className = "line";
      number.textContent = String(k);
      if (byLine[k]) {
        number.className += " error";
        number.textContent = "\u26a0 " + k;
        row.className += " error";
        row.dataset.line = String(k);
        var text = document.createElement("span");
        text.className = "text";
        text.textContent = lines[k - 1];
        var message = document.createElement("span");
        message.className = "message";
        message.textContent = "  \u2190 " + byLine[k].join("; ");
        row.appendChild(text);
        row.appendChild(message);
      } else {
        row.textContent = "\u200b";
      }
      numbers.appendChild(number);
      rows.appendChild(row);
    }
    gutter.replaceChildren(numbers);
    backdrop.replaceChildren(rows);
    followScroll();
  }

  function followScroll() {
    var area = document.getElementById("model-text");
    var gutter = document.querySelector(".editor .gutter");
    var backdrop = document.querySelector(".editor .backdrop");
    if (!area || !gutter || !backdrop) return;
    gutter.scrollTop = area.scrollTop;
    backdrop.scrollTop = area.scrollTop;
    backdrop.scrollLeft = area.scrollLeft;
  }

  function goToLine(line) {
    var area = document.getElementById("model-text");
    if (!area) return;
    var lines = area.value.split("\n");
    var start = 0;
    for (var k = 0; k < line - 1 && k < lines.length; k++) start += lines[k].length + 1;
    var end = start + (lines[line - 1] || "").length;
    area.focus();
    area.setSelectionRange(start, end);
    var height = parseFloat(getComputedStyle(area).lineHeight) || 20;
    area.scrollTop = Math.max(0, (line - 4) * height);
    followScroll();
  }

  document.addEventListener("click", function (event) {
    var link = event.target instanceof Element ? event.target.closest("a.goto") : null;
    if (!link) return;
    event.preventDefault();
    goToLine(parseInt(link.dataset.line, 10));
  });

  document.addEventListener("scroll", function (event) {
    if (event.target && event.target.id === "model-text") followScroll();
  }, true);

  document.addEventListener("input", function (event) {
    if (event.target && event.target.id === "model-text") drawEditor();
  });

  // The graph's picture is drawn after the tables: say so until it arrives.
  document.addEventListener("load", function (event) {
    var target = event.target;
    if (target instanceof HTMLImageElement && target.classList.contains("graph-picture")) {
      target.closest("figure").classList.remove("loading");
    }
  }, true);
  document.addEventListener("error", function (event) {
    var target = event.target;
    if (target instanceof HTMLImageElement && target.classList.contains("graph-picture")) {
      var figure = target.closest("figure");
      figure.classList.remove("loading");
      figure.classList.add("failed");
    }
  }, true);

  // Results of events and designs stay on the page when the plans change: mark them as earlier ones.
  var started = 0;
  document.addEventListener("htmx:beforeRequest", function (event) {
    if (event.detail.elt && event.detail.elt.id === "controls") started = performance.now();
  });
  document.addEventListener("htmx:afterSettle", function (event) {
    var target = event.detail.target;
    if (!target) return;
    if (target.id === "results") {
      ["event-result", "design-result"].forEach(function (id) {
        var panel = document.getElementById(id);
        if (panel && panel.children.length) panel.classList.add("stale");
      });
      if (started) {
        document.body.dataset.shownMilliseconds = String(Math.round(performance.now() - started));
        started = 0;
      }
      document.body.dataset.updates = String(parseInt(document.body.dataset.updates || "0", 10) + 1);
    } else if (target.id === "event-result" || target.id === "design-result") {
      target.classList.remove("stale");
    }
    if (target.id === "problems") drawEditor();
  });

  document.addEventListener("DOMContentLoaded", drawEditor);
})();
