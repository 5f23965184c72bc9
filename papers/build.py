"""Build every figure, table and quoted number of the paper "When does the common goal stop being self-enforcing?".

Usage (from the root of a checkout)::

    python papers/build.py            # write papers/figures/*.png, papers/generated/*.md and values.json,
                                      # refresh the tables inside papers/local-gaming.md, check the quoted numbers
    python papers/build.py --check    # build into a temporary folder and fail if anything in papers/ is stale
    python papers/build.py --check --output DIR   # the same, keeping the fresh build in DIR

Everything comes from the toolkit's public API (``import incentives as inc``) run on
``examples/keeping_close.yaml`` (the flagship), ``examples/growing_company.yaml`` and from
``papers/classics.py`` (the classic results of ``papers/classics.md``).

The paper marks what it takes from the build:

* a quoted number: ``<!-- value:NAME -->TEXT<!-- /value -->``; ``TEXT`` must equal the build's
  value ``NAME`` exactly (the values are in ``generated/values.json``);
* a table: ``<!-- include:generated/NAME.md -->`` ... ``<!-- /include -->``; the text between
  the markers must equal the generated snippet (the build rewrites it; ``--check`` compares);
* a figure: ``![caption](figures/NAME.png)``.

Generated files are committed.  ``--check`` compares the committed tables and values with a
fresh build byte for byte.  Figures are compared through the data they plot: rasterised PNGs
differ between matplotlib and FreeType versions, so ``generated/figures.json`` records a SHA-256
of each figure's data, and ``--check`` verifies that hash, that each figure the paper shows is a
PNG under 300 KB, and that the fresh figures are PNGs.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import sys
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import sympy

PAPERS = Path(__file__).resolve().parent
ROOT = PAPERS.parent
PAPER = PAPERS / "local-gaming.md"
MODEL = ROOT / "examples" / "growing_company.yaml"
FLAGSHIP = ROOT / "examples" / "keeping_close.yaml"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
MAX_FIGURE_BYTES = 300_000
DPI = 80

VALUE = re.compile(r"<!-- value:([A-Za-z0-9_.]+) -->(.*?)<!-- /value -->", re.DOTALL)
INCLUDE = re.compile(r"(<!-- include:generated/([A-Za-z0-9_]+)\.md -->\n)(.*?)(<!-- /include -->)", re.DOTALL)
FIGURE = re.compile(r"!\[[^\]]*\]\(figures/([A-Za-z0-9_]+)\.png\)")


@dataclass
class Build:
    """What the paper takes from the toolkit: quoted values, Markdown tables, figures."""

    values: dict[str, str] = field(default_factory=dict)
    tables: dict[str, str] = field(default_factory=dict)
    figures: dict[str, Callable[[], Any]] = field(default_factory=dict)  # name -> draws a matplotlib Figure
    figure_data: dict[str, str] = field(default_factory=dict)  # name -> SHA-256 of the data it plots


# --- formatting ----------------------------------------------------------------------------------------------------


def num(x: Any, digits: int = 3, *, exact: bool = True) -> str:
    """A number as the paper prints it: an exact one as its short decimal when that is exact (``6.72``),
    else as ``p/q`` (unless not ``exact``); a float to ``digits`` decimals."""
    if exact and isinstance(x, Fraction | sympy.Rational) and not isinstance(x, sympy.Integer):
        q = Fraction(str(x))
        if q.denominator == 1:
            return str(q.numerator)
        decimal = round(float(q), 6)
        if Fraction(str(decimal)) == q:
            return f"{decimal:.6f}".rstrip("0").rstrip(".")
        return f"{q.numerator}/{q.denominator}"
    value = round(float(x), digits) + 0.0  # + 0.0 turns -0.0 into 0.0
    text = f"{value:.{digits}f}".rstrip("0").rstrip(".")
    return text


def signed(x: Any, digits: int = 3) -> str:
    text = num(x, digits)
    return text if text.startswith("-") or text == "0" else f"+{text}"


def table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def fingerprint(data: Any) -> str:
    """SHA-256 of plotted data, with floats rounded to 9 significant digits (immune to last-bit noise)."""

    def plain(v: Any) -> Any:
        if isinstance(v, Mapping):
            return {str(k): plain(w) for k, w in sorted(v.items(), key=lambda kv: str(kv[0]))}
        if isinstance(v, list | tuple | np.ndarray):
            return [plain(w) for w in v]
        if isinstance(v, bool | str) or v is None:
            return v
        if isinstance(v, int | np.integer):
            return int(v)
        if isinstance(v, float | np.floating | Fraction):
            return float(f"{float(v):.9g}")
        return str(v)

    return hashlib.sha256(json.dumps(plain(data), sort_keys=True).encode()).hexdigest()


def _profile(label: str) -> str:
    return label.replace("sales=", "").replace("support=", "").replace("development=", "").replace("operations=", "")


# --- the sections --------------------------------------------------------------------------------------------------


def _equilibrium(org: Any, build: Build) -> Any:
    import incentives as inc

    report = inc.analyze(org)
    worst = report.worst
    v = build.values
    v["departments"] = str(len(org.departments))
    v["profiles"] = str(int(np.prod(report.game.shape)))
    v["equilibria"] = str(len(report.equilibria))
    v["equilibrium"] = _profile(worst.label)
    v["optimum"] = _profile(report.game.profile_label(report.optimum.profile))
    v["value_equilibrium"] = num(worst.company_value, 2)
    v["value_optimum"] = num(report.optimum.value, 2)
    v["value_gap"] = num(worst.value_gap, 2)
    v["value_share"] = f"{round(100 * float(worst.company_value) / float(report.optimum.value))}%"
    v["value_lowest"] = num(report.min_value, 2)
    # the price of anarchy: the optimum's company value over the worst equilibrium's, V*/V_eq
    v["price_of_anarchy"] = num(
        Fraction(str(report.optimum.value)) / Fraction(str(worst.company_value)), 2, exact=False
    )
    v["gaming_departments"] = ", ".join(report.gaming_departments)
    for dept, score in report.gaming_scores.items():
        v[f"gaming_score.{dept}"] = num(score)
    rows = []
    for d in worst.departures:
        v[f"own_gain.{d.department}"] = num(d.own_gain)
        v[f"company_cost.{d.department}"] = num(d.company_cost, 2)
        drivers = ", ".join(f"{k} ({signed(g)})" for k, g in d.drivers.items() if g)
        rows.append(
            [d.department, d.optimum_action, d.plays, signed(d.own_gain), num(d.company_cost, 2), drivers,
             num(report.gaming_scores[d.department])]
        )  # fmt: skip
    build.tables["equilibrium"] = table(
        ["department", "company optimum", "equilibrium", "own bonus gain", "company cost", "what makes it pay",
         "gaming score"],
        rows,
    )  # fmt: skip
    rows = [[dept, signed(change, 3)] for dept, change in worst.burden.items()]
    rows.append(["company value", signed(float(worst.company_value) - float(report.optimum.value), 2)])
    for dept, change in worst.burden.items():
        v[f"burden.{dept}"] = signed(change)
    build.tables["who_pays"] = table(["party", "equilibrium minus optimum"], rows)
    rows = [[a.department, a.kpi, a.status, a.evidence] for a in report.alignment]
    build.tables["alignment"] = table(["department", "KPI", "verdict", "evidence"], rows)
    return report


def _perspectives(org: Any, build: Build, name: str, key: str) -> Any:
    import incentives as inc

    views = inc.perspectives(org, "big_contract")
    rows = []
    for view in views.views:
        rows.append([view.party, num(view.before, 2), num(view.immediate, 2), num(view.after, 2),
                     signed(view.change, 2), view.verdict])  # fmt: skip
        build.values[f"{key}.{view.party}.change"] = signed(view.change, 2)
        build.values[f"{key}.{view.party}.verdict"] = view.verdict
    build.values[f"{key}.equilibrium_after"] = _profile(views.after_equilibrium.label)
    build.tables[name] = table(["party", "before", "immediately", "after reacting", "change", "verdict"], rows)
    return views


def _graph(org: Any, build: Build) -> None:
    import incentives as inc
    from incentives.graph import externalities, finger_pointing_loops, stakeholders
    from incentives.graph.export import to_node_link

    graph = inc.dependency_graph(org)
    effects = externalities(graph)
    departments = list(org.department_names)
    rows = [[src] + [num(effects[src][dst]) if dst != src else "" for dst in departments]
            + [num(effects[src]["company_value"], 2)] for src in departments]  # fmt: skip
    build.tables["externalities"] = table(["whose departure", *departments, "company value"], rows)
    for src in departments:
        for dst, effect in effects[src].items():
            build.values[f"externality.{src}.{dst}"] = num(effect, 3 if dst != "company_value" else 2)
    build.values["finger_pointing_loops"] = str(len(finger_pointing_loops(graph)))
    for dept in departments:
        ranked = stakeholders(graph, dept, kinds=("department",))
        build.values[f"stakeholders.{dept}"] = ", ".join(f"{d} ({num(s, 2)})" for d, s in ranked) or "nobody"
    build.figures["dependency_graph"] = lambda: graph.draw("all")
    build.figure_data["dependency_graph"] = fingerprint(to_node_link(graph, "all"))


def _growth(org: Any, build: Build) -> None:
    import incentives as inc
    from incentives.formula import symbol
    from incentives.whatif import plot_phase_diagram, plot_sweep
    from incentives.whatif.regions import CriticalValue

    growth = "customers_per_deal"
    one = inc.thresholds(org, [growth], domain={growth: (0, None)})
    rows = []
    names = ("operations_stops", "development_starts", "optimum_changes")
    critical: list[CriticalValue] = list(one.critical_values)
    for key, c in zip(names, critical, strict=True):
        build.values[f"critical.{key}"] = num(c.value)
        build.values[f"critical.{key}.approx"] = num(c.value, 1, exact=False)
        rows.append([num(c.value), num(c.value, 1, exact=False), c.describe().split(": ", 1)[1]])
    build.tables["thresholds"] = table([f"{growth} =", "about", "what changes as it rises"], rows)

    share = "bonus.sales.company_value"
    two = inc.thresholds(org, [growth, share], domain={growth: (0, None)})
    x, y = symbol(growth), symbol(share)
    boundary = None
    for alternative in two.gaming["sales"].alternatives:
        for relation in alternative:
            if y in relation.free_symbols and x in relation.free_symbols:
                boundary = sympy.solve(sympy.Eq(relation.lhs, relation.rhs), y)[0]
    if boundary is None:
        raise RuntimeError("the thresholds report has no boundary between sales' profit share and growth")
    boundary = sympy.factor(boundary)
    build.values["sales_share.formula"] = f"`{share} < {boundary}`"
    at_model, limit = boundary.subs(x, org.parameters[growth]), sympy.limit(boundary, x, sympy.oo)
    build.values["sales_share.at_model"] = num(at_model)
    build.values["sales_share.at_model.percent"] = num(100 * at_model, 2, exact=False)
    build.values["sales_share.limit"] = num(limit)
    build.values["sales_share.limit.percent"] = num(100 * limit, 2, exact=False)
    penalty = inc.thresholds(org, ["bonus.support.reopened_tickets"])
    build.values["support_penalty"] = str(penalty.gaming["support"]).split(" > ")[-1]

    sizes = np.linspace(10, 500, 50)
    line = inc.sweep(org, {growth: sizes}, workers=1, progress=False)
    build.figures["growth"] = lambda: plot_sweep(line)
    build.figure_data["growth"] = fingerprint(line.to_records())
    shares = np.linspace(0, 0.03, 31)
    plane = inc.sweep(org, {growth: sizes, share: shares}, workers=1, progress=False)
    curve = sympy.lambdify(x, boundary, "numpy")

    def phase() -> Any:
        figure = plot_phase_diagram(plane)
        ax = figure.axes[0]
        ax.plot(sizes, curve(sizes), "k--", linewidth=1.5, label=f"exact boundary: {share} = {boundary}")
        ax.legend(loc="lower right", fontsize="small")
        return figure

    build.figures["phase_diagram"] = phase
    build.figure_data["phase_diagram"] = fingerprint({"records": plane.to_records(), "boundary": str(boundary)})
    records = line.to_records()
    first = records[0]
    build.values["growth.first_size"] = num(first[growth])
    build.values["growth.first_poa"] = num(first["company_value_optimum"] / first["company_value_worst"], 2)
    build.values["growth.last_size"] = num(records[-1][growth])
    build.values["growth.last_poa"] = num(records[-1]["company_value_optimum"] / records[-1]["company_value_worst"], 2)


def _plan_terms(weights: Mapping[str, Mapping[str, float]]) -> str:
    return "; ".join(
        f"{d}: " + ", ".join(f"{num(w, 4)} x {k}" for k, w in terms.items()) for d, terms in weights.items()
    )


def _redesign(org: Any, build: Build) -> Any:
    import incentives as inc

    default = inc.design(org)  # only terms aligned with company value: here, profit shares
    shares = inc.design(org, allow=["*:company_value"])
    cheapest = inc.design(org, misaligned=True)  # any KPI, the ones that pull against company value flagged
    if default.exact_weights != shares.exact_weights:
        raise AssertionError("the paper says the default plan of the growing company is profit shares alone")
    cut = inc.via_negativa(org)
    v = build.values
    rows = []
    current = {d: {k: float(w) for k, w in terms.items()} for d, terms in org.bonus.items()}
    check = cheapest.verification
    rows.append(["current plan", _plan_terms(current), num(check.bonus_target_before, 2),
                 str(len(check.equilibria_before)), num(check.company_value_before, 2), "no"])  # fmt: skip
    names = {"profit_shares": "default plan: profit shares only", "cheapest": "cheapest plan on any KPI (flagged)"}
    for key, plan in (("profit_shares", shares), ("cheapest", cheapest)):
        check = plan.verification
        rows.append([names[key], _plan_terms(plan.weights), num(check.bonus_target_after, 2),
                     str(len(check.equilibria_after)), num(check.company_value_after, 2),
                     "yes" if check.is_unique else "no"])  # fmt: skip
        v[f"design.{key}.cost"] = num(float(plan.cost), 2)
        v[f"design.{key}.value_after"] = num(check.company_value_after, 2)
        v[f"design.{key}.margin"] = num(check.margin)
        v[f"design.{key}.unique"] = "yes" if check.is_unique else "no"
        for dept, terms in plan.weights.items():
            for term, weight in terms.items():
                v[f"design.{key}.{dept}.{term}"] = num(weight, 4)
    for dept, terms in shares.weights.items():
        v[f"design.profit_shares.{dept}.percent"] = num(100 * terms["company_value"], 2)
    v["design.cheapest.flagged"] = ", ".join(f"`{f.term}`" for f in cheapest.flagged)
    left = {item.term.kpi: item.evidence for item in default.left_out if item.sign == "positive"}
    v["design.left_out.count"] = str(len(left))
    v["design.left_out.resolution_hours"] = left["resolution_hours"]
    v["design.current.cost"] = num(cheapest.current_cost, 2)
    cut_check = cut.verification
    dropped = [f"{c.department}:{c.key}" for c in cut.changes if c.change == "drop"]
    rows.append(["via negativa (drop " + ", ".join(dropped) + ")", "support's terms kept",
                 num(cut_check.bonus_target_after, 2), str(len(cut_check.equilibria_after)),
                 num(cut_check.company_value_after, 2), "no"])  # fmt: skip
    v["via_negativa.dropped"] = ", ".join(f"`{d}`" for d in dropped)
    v["via_negativa.equilibria"] = str(len(cut_check.equilibria_after))
    v["via_negativa.value_after"] = num(cut_check.company_value_after, 2)
    v["via_negativa.stuck_gain"] = num(cut.stuck[0].gain)
    build.tables["redesign"] = table(
        ["plan", "bonus weights", "bonus paid at the optimum", "equilibria", "company value (worst equilibrium)",
         "optimum the only equilibrium"],
        rows,
    )  # fmt: skip
    return shares


def _classics(build: Build) -> None:
    import runpy

    results = runpy.run_path(str(PAPERS / "classics.py"), run_name="paper_classics")["reproduce"]()
    rows = []
    for r in results:
        shown = {k: n for k, n in r.numbers.items() if k != "at"}
        numbers = "; ".join(f"{k} = {n}" for k, n in list(shown.items())[:3])
        # Kerr (1975) and Holmstrom (1982) publish no formula to be identical to
        formal = not r.title.startswith(("Kerr (1975)", "Holmstrom (1982)"))
        verdict = "identical to the published formula" if formal else "agrees with the standard formalisation"
        rows.append([r.title, r.quantity, verdict if r.agrees else "**no**", numbers])
    build.tables["classics"] = table(["result", "what is derived", "against the literature",
                                      "numbers at the model's parameters"], rows)  # fmt: skip
    build.values["classics.count"] = str(len(results))
    build.values["classics.agree"] = str(sum(r.agrees for r in results))
    by_title = {r.title: r for r in results}
    build.values["classics.beta"] = by_title["Holmstrom-Milgrom (1987), single task"].numbers["beta*"]
    build.values["classics.w1_unmeasured"] = by_title["Holmstrom-Milgrom (1991), second task unmeasurable"].numbers[
        "w1"
    ]
    build.values["classics.baker_distortion"] = by_title["Baker (2002), pay on a distorted measure"].numbers[
        "lost to distortion"
    ]
    build.values["classics.baker_risk"] = by_title["Baker (2002), pay on a distorted measure"].numbers["lost to risk"]
    build.values["classics.kerr_lost"] = by_title["Kerr (1975), rewarding A while hoping for B"].numbers["surplus lost"]


# --- the flagship: repeated play and size (examples/keeping_close.yaml) --------------------------------------------

REMEDY = {"involvement": 2}  # the essay's remedy: the other two departments take part in every sale
SWEPT = ("headcount", "involvement")  # what the story varies; the sensitivity analysis covers every other parameter
SIZES = np.arange(1, 401, dtype=float)  # headcounts at which the collapse point is looked for
SHIFT = Fraction(1, 5)  # each parameter +-20 %
DISCOUNT_SHIFT = Fraction(1, 20)  # +-5 % for quarterly_discount: 1.2 x 0.95 is not a discount factor


def _dilemma(build: Build) -> None:
    """The closed forms of Section 3 on the textbook prisoner's dilemma, derived by sympy and by the toolkit."""
    import incentives as inc

    delta, p, t, r, pun = sympy.symbols("delta p T R P", positive=True)
    once = (1 - delta) * t + delta * (p * pun + (1 - p) * r)  # deviate once, then keep to the target
    closed = (t - r) / ((t - r) + p * (r - pun))
    derived = sympy.solve(sympy.Eq(once, r), delta)[0]
    smallest = sympy.solve(sympy.Eq(once, r), p)[0]
    if sympy.simplify(derived - closed) != 0 or sympy.simplify(closed.subs(p, 1) - (t - r) / (t - pun)) != 0:
        raise RuntimeError("the monitoring closed form does not follow from the one-shot deviation condition")
    if sympy.simplify(smallest - (1 - delta) * (t - r) / (delta * (r - pun))) != 0:
        raise RuntimeError("the smallest detection probability does not follow from the deviation condition")
    T, R, P, S = 5, 3, 1, 0
    game = inc.Game.from_bimatrix([[R, S], [T, P]], [[R, T], [S, P]])
    v = build.values
    v["pd.T"], v["pd.R"], v["pd.P"], v["pd.S"] = str(T), str(R), str(P), str(S)
    perfect = inc.repeated(game, target=(0, 0), payoff_set=False)
    if perfect.critical_discount != Fraction(T - R, T - P):
        raise RuntimeError("the toolkit's critical discount factor is not (T - R)/(T - P)")
    v["pd.delta_star"] = num(perfect.critical_discount)
    seen = Fraction(1, 2)
    half = inc.repeated(game, target=(0, 0), monitoring=seen, payoff_set=False)
    if half.critical_discount != Fraction(T - R) / ((T - R) + seen * (R - P)):
        raise RuntimeError("the toolkit's critical discount factor with monitoring is not the closed form")
    v["pd.p"], v["pd.delta_star_p"] = num(seen), num(half.critical_discount)
    at = Fraction(3, 4)
    low = inc.repeated(game, target=(0, 0), discount=at, payoff_set=False).reversion.smallest_monitoring[0]
    if low != (1 - at) * (T - R) / (at * (R - P)):
        raise RuntimeError("the toolkit's smallest detection probability is not the closed form")
    v["pd.delta"], v["pd.p_star"] = num(at), num(low)


def _collapse(org: Any, fixed: Mapping[str, Fraction] | None = None) -> tuple[int | None, Any]:
    """The first headcount in SIZES at which the common goal is no longer sustained, and the batch.

    None: sustained at every size; 0: the stage game has no pure equilibrium to revert to."""
    from incentives.build import compile_model
    from incentives.repeated import critical_discounts

    fixed = dict(fixed or {})  # other quantities (parameters, bonus weights, action costs) held at these values
    points = np.column_stack([SIZES, *(np.full_like(SIZES, float(x)) for x in fixed.values())])
    found = critical_discounts(compile_model(org, ["headcount", *fixed]).evaluate(points))
    sustained = np.asarray(found.sustained, dtype=bool)
    if np.isnan(found.reversion_payoffs).all():
        return 0, found  # no pure stage equilibrium to revert to at any size
    if sustained.all():
        return None, found
    first = int(np.argmax(~sustained))
    if sustained[first:].any():
        raise RuntimeError("the common goal comes back after it collapsed; the paper's story assumes it does not")
    return int(SIZES[first]), found


def _collapse_root(org: Any) -> Any:
    """The exact headcount at which the binding condition of reversion to local gaming turns."""
    from incentives.formula import symbol
    from incentives.repeated import sustainability_formulas

    h = symbol("headcount")
    found = sustainability_formulas(org, ["headcount"], reversion=[1, 1, 1])
    roots = [x for x in sympy.solve(sympy.together(found.conditions["sales"]), h) if x.is_real and x > 0]
    if len(roots) != 1:
        raise RuntimeError(f"expected one positive root of sales' condition, found {roots}")
    return sympy.nsimplify(roots[0]) if not roots[0].is_Rational else roots[0]


def _flagship(build: Build) -> None:
    import incentives as inc
    from incentives.repeated import relational_contract

    org = inc.load_model(FLAGSHIP)
    v = build.values
    model = inc.evaluate_model(org, exact=True)
    game = model.game
    v["flag.departments"] = str(len(org.departments))
    v["flag.dominated"] = str(len(inc.eliminate_dominated(game).steps))
    pure = inc.solve(game, "pure")
    if len(pure.equilibria) != 1:
        raise RuntimeError("the flagship should have one pure equilibrium, local gaming")
    gaming = pure.equilibria[0]
    optimum = inc.company_optimum(model)
    profile = gaming.pure_indices()
    value_gaming = gaming.company_value
    v["flag.gaming"] = _profile(game.profile_label(profile))
    v["flag.optimum"] = _profile(game.profile_label(optimum.profile))
    v["flag.value_gaming"] = num(value_gaming, 2)
    v["flag.value_optimum"] = num(optimum.value, 2)
    v["flag.price_of_anarchy"] = num(Fraction(str(optimum.value)) / Fraction(str(value_gaming)), 2)
    v["flag.headcount"] = num(org.parameters["headcount"])
    result = inc.repeated(model)
    local = result.grim_trigger("stage equilibrium 1")
    v["flag.binding"] = result.binding_department
    gains = dict(zip(org.department_names, result.temptations, strict=True))
    for dept, t in gains.items():
        v[f"flag.gain.{dept}"] = num(t.gain)
        v[f"flag.loss.{dept}"] = num(local.losses[org.department_names.index(dept)])
    v["flag.discount"] = num(result.discount)
    v["flag.monitoring"] = num(result.monitoring[0])
    v["flag.delta_star_local"] = num(local.critical_discount)
    v["flag.delta_star_worst"] = num(result.critical_discount)
    v["flag.mixed_equilibria"] = str(sum(not e.is_pure for e in result.equilibria.equilibria))
    v["flag.p_star"] = num(result.reversion.smallest_monitoring[0])

    base, found = _collapse(org)
    remedied_org = org.with_parameters(REMEDY)
    remedied, _ = _collapse(remedied_org)
    if not np.array_equal(inc.build_game(remedied_org).float_payoffs(), game.float_payoffs()):
        raise RuntimeError("the paper says the remedy changes only monitoring, but it changes the stage game")
    if not base or not remedied or remedied <= base:
        raise RuntimeError("the flagship's story no longer holds: the remedy must move a collapse point that exists")
    v["flag.collapse"], v["flag.sustained_up_to"] = str(base), str(base - 1)
    v["flag.collapse_remedy"], v["flag.sustained_up_to_remedy"] = str(remedied), str(remedied - 1)
    root, root_remedy = _collapse_root(org), _collapse_root(remedied_org)
    v["flag.root"], v["flag.root.approx"] = f"`{root}`", num(root, 2, exact=False)
    v["flag.root_remedy.approx"] = num(root_remedy, 2, exact=False)
    if not (base - 1 <= float(root) < base and remedied - 1 <= float(root_remedy) < remedied):
        raise RuntimeError("the exact collapse points disagree with the sweep")
    binding = {org.department_names[int(b)] for b in found.binding[int(np.argmax(~found.sustained)) :]}
    v["flag.binding_past_collapse"] = ", ".join(sorted(binding))

    big = 2 * base + 80  # a company well past both collapse points
    contract = relational_contract(inc.evaluate_model(org.with_parameters({"headcount": big}), exact=True))
    v["contract.headcount"] = str(big)
    v["contract.discount"] = num(contract.discount, 3, exact=False)
    v["contract.surplus"] = num(contract.surplus, 2)
    v["contract.reversion_surplus"] = num(contract.reversion_surplus, 2)
    v["contract.credible"] = num(contract.credible_bonus, 1, exact=False)
    v["contract.required"] = num(sum(contract.required_bonuses), 2, exact=False)
    v["contract.holds"] = "yes" if contract.holds_target else "no"
    v["contract.critical_discount"] = num(contract.critical_discount, 4, exact=False)

    sizes = np.arange(2, 162, 4, dtype=float)
    cases = (("keeping_close", org, root, "as it is"), ("keeping_close_remedy", remedied_org, root_remedy,
             "with the remedy"))  # fmt: skip
    for key, which, at, title in cases:
        line = inc.sweep(which, {"headcount": sizes}, method="pure", repeated=True, workers=1, progress=False)
        build.figures[key] = _collapse_figure(line, float(at), title)
        build.figure_data[key] = fingerprint({"records": line.to_records(), "collapse": str(at)})
    _sensitivity(org, build)


def _collapse_figure(line: Any, at: float, title: str) -> Callable[[], Any]:
    """The toolkit's repeated-play sweep plot, with the exact collapse point marked on every panel."""
    from incentives.whatif import plot_repeated_sweep

    def draw() -> Any:
        figure = plot_repeated_sweep(line)
        for n, ax in enumerate(figure.axes):
            ax.axvline(
                at, color="k", linewidth=1, linestyle="-.", label=f"collapse: {at:.2f} people" if n == 0 else None
            )
        figure.axes[0].legend(loc="lower right", fontsize="small")
        figure.axes[0].set_title(f"Keeping close, {title}: repeated play against headcount")
        return figure

    return draw


def _sensitivity(org: Any, build: Build) -> None:
    """Each parameter, bonus weight and action cost the story does not vary, moved down and up: the collapse point."""
    quantities = {name: value for name, value in org.parameters.items() if name not in SWEPT}
    for dept, terms in org.bonus.items():
        quantities |= {f"bonus.{dept}.{kpi}": weight for kpi, weight in terms.items()}
    for dept, costs in org.costs.items():
        quantities |= {f"costs.{dept}.{action}": cost for action, cost in costs.items()}
    rows = []
    for name, value in quantities.items():
        shift = DISCOUNT_SHIFT if name == "quarterly_discount" else SHIFT
        at = Fraction(str(value))
        cells = []
        for factor in (1 - shift, 1 + shift):
            collapse, _ = _collapse(org, {name: at * factor})
            text = {None: "none up to 400", 0: "no pure equilibrium"}.get(collapse, str(collapse))
            cells.append(text)
            build.values[f"sensitivity.{name}.{'down' if factor < 1 else 'up'}"] = text
        rows.append([f"`{name}`", num(at), f"{num(1 - shift)} and {num(1 + shift)}", *cells])
    build.tables["sensitivity"] = table(
        ["quantity", "value", "scaled by", "collapse point, scaled down", "collapse point, scaled up"], rows
    )
    build.values["sensitivity.count"] = str(len(rows))


def compute(model: Path = MODEL) -> Build:
    """Run the whole analysis and return every value, table and figure the paper uses."""
    import incentives as inc

    org = inc.load_model(model)
    build = Build()
    _equilibrium(org, build)
    _perspectives(org, build, "perspectives", "big_contract")
    _graph(org, build)
    _growth(org, build)
    shares = _redesign(org, build)
    _perspectives(shares.redesigned, build, "perspectives_redesigned", "big_contract_redesigned")
    _classics(build)
    _dilemma(build)
    _flagship(build)
    return build


# --- writing and checking ------------------------------------------------------------------------------------------


def _write(path: Path, data: bytes) -> None:
    """Write all at once: a temporary name, then moved into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _manifest(build: Build) -> str:
    figures = {name: {"file": f"figures/{name}.png", "data_sha256": h} for name, h in sorted(build.figure_data.items())}
    return json.dumps(figures, indent=2, sort_keys=True) + "\n"


def _values_json(build: Build) -> str:
    return json.dumps(build.values, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def write(build: Build, out: Path) -> None:
    """Write the figures, tables, values and figure manifest under ``out``."""
    for name, text in build.tables.items():
        _write(out / "generated" / f"{name}.md", text.encode())
    _write(out / "generated" / "values.json", _values_json(build).encode())
    _write(out / "generated" / "figures.json", _manifest(build).encode())
    for name, draw in build.figures.items():
        figure = draw()
        path = out / "figures" / f"{name}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp.png")
        try:
            figure.savefig(tmp, dpi=DPI, metadata={"Software": None})
            os.replace(tmp, path)
        finally:
            tmp.unlink(missing_ok=True)


def with_tables(text: str, tables: Mapping[str, str]) -> str:
    """The paper with every included table replaced by its generated text."""

    def replace(match: re.Match[str]) -> str:
        name = match.group(2)
        return match.group(1) + tables[name] + match.group(4) if name in tables else match.group(0)

    return INCLUDE.sub(replace, text)


def check_values(text: str, values: Mapping[str, str]) -> list[str]:
    """Problems with the numbers the paper quotes: unknown names and values that differ from the build."""
    problems = []
    for match in VALUE.finditer(text):
        name, quoted = match.group(1), match.group(2)
        if name not in values:
            problems.append(f"the paper quotes value {name!r}, which the build does not compute")
        elif quoted != values[name]:
            problems.append(f"value {name!r}: the paper says {quoted!r}, the library gives {values[name]!r}")
    if not VALUE.search(text):
        problems.append("the paper quotes no marked values")
    return problems


def check_tables(text: str, tables: Mapping[str, str]) -> list[str]:
    """Problems with the tables the paper includes: unknown snippets and stale copies."""
    problems = []
    included = set()
    for match in INCLUDE.finditer(text):
        name = match.group(2)
        included.add(name)
        if name not in tables:
            problems.append(f"the paper includes generated/{name}.md, which the build does not produce")
        elif match.group(3) != tables[name]:
            problems.append(f"the table generated/{name}.md in the paper is out of date (run python papers/build.py)")
    problems += [
        f"the build produces generated/{n}.md but the paper does not include it" for n in tables.keys() - included
    ]
    return problems


def check_png(path: Path, *, max_bytes: int | None = MAX_FIGURE_BYTES) -> list[str]:
    if not path.is_file():
        return [f"{path} is missing"]
    data = path.read_bytes()
    if not data.startswith(PNG_SIGNATURE) or len(data) <= len(PNG_SIGNATURE):
        return [f"{path} is not a PNG image"]
    if max_bytes is not None and len(data) > max_bytes:
        return [f"{path} is {len(data)} bytes; figures must stay under {max_bytes}"]
    return []


def check_committed(build: Build, papers: Path, text: str) -> list[str]:
    """Problems with the committed generated files and figures under ``papers``."""
    problems = []
    expected = {f"{n}.md": t for n, t in build.tables.items()}
    expected["values.json"] = _values_json(build)
    expected["figures.json"] = _manifest(build)
    for name, content in expected.items():
        path = papers / "generated" / name
        if not path.is_file():
            problems.append(f"{path} is missing (run python papers/build.py)")
        elif path.read_text(encoding="utf-8") != content:
            problems.append(f"{path} is out of date (run python papers/build.py)")
    shown = set(FIGURE.findall(text))
    problems += [
        f"the paper shows figures/{n}.png, which the build does not draw" for n in shown - build.figures.keys()
    ]
    problems += [
        f"the build draws figures/{n}.png but the paper does not show it" for n in build.figures.keys() - shown
    ]
    for name in sorted(shown):
        problems += check_png(papers / "figures" / f"{name}.png")
    return problems


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="build elsewhere and fail if papers/ is out of date")
    parser.add_argument("--output", type=Path, help="where to write the build (default: papers/, or with --check a "
                        "temporary folder)")  # fmt: skip
    args = parser.parse_args(argv)
    text = PAPER.read_text(encoding="utf-8")
    build = compute()
    with tempfile.TemporaryDirectory(prefix="paper-") as scratch:
        out = args.output or (Path(scratch) if args.check else PAPERS)
        write(build, out)
        fresh = with_tables(text, build.tables)
        problems = []
        if args.check:
            problems += check_tables(text, build.tables)
            problems += check_committed(build, PAPERS, text)
            for name in build.figures:
                problems += check_png(out / "figures" / f"{name}.png", max_bytes=None)
        else:
            _write(out / PAPER.name, fresh.encode())
            problems += check_tables(fresh, build.tables)
        problems += check_values(text, build.values)
    for problem in problems:
        print(f"paper: {problem}", file=sys.stderr)
    where = "checked" if args.check else f"built into {out}"
    print(f"paper {where}: {len(build.values)} values, {len(build.tables)} tables, {len(build.figures)} figures; "
          f"{len(problems)} problem(s)")  # fmt: skip
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
