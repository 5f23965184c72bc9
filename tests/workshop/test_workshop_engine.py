"""The workshop's computations against the toolkit's public API on the same model (the oracle)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

import incentives as inc
from incentives.design.terms import Term
from incentives.quantities import with_values
from incentives.workshop.controls import Settings, apply_settings, controls_of, normalised, settings_for_plan
from incentives.workshop.engine import DesignRequest, Engine, ModelText, model_file_text
from incentives.workshop.jobs import JobBoard, Superseded

pytest.importorskip("starlette")

HOSPITAL = "examples/hospital.yaml"
SHARE = "bonus.emergency.company_value"


@pytest.fixture(scope="module")
def model() -> ModelText:
    with open(HOSPITAL, encoding="utf-8") as file:
        return ModelText.parse(file.read(), "hospital.yaml")


def labels(analysis: inc.Analysis) -> list[str]:
    return [item.label for item in analysis.equilibria]


def test_a_model_with_mistakes_reports_them_with_their_lines_as_the_loader_does() -> None:
    text = "name: x\ndepartments:\n  a:\n    actions: {p: {v: 1}, q: {v: 2}}\nkpis:\n  k: a.vv\ncompany_value: k\n"
    parsed = ModelText.parse(text, "x.yaml")
    with pytest.raises(inc.ModelError) as raised:
        inc.loads_model(text, source="x.yaml")
    assert not parsed.ok and parsed.problems == raised.value.problems
    assert [p.line for p in parsed.problems if p.line] == [6]


def test_settings_describe_the_same_organisation_as_the_quantities_api(model: ModelText) -> None:
    org = model.organization
    assert org is not None
    settings = normalised(org, {SHARE: 0.1, "beds": 80, "wait_harm": 10}, [Term("wards", "bed_occupancy")])
    assert dict(settings.values) == {SHARE: 0.1, "beds": 80.0}  # wait_harm is the model's own value
    expected = with_values(org, {SHARE: 0.1, "beds": 80})
    changed = apply_settings(org, settings)
    assert changed.parameters == expected.parameters
    assert dict(changed.bonus["emergency"]) == dict(expected.bonus["emergency"])
    assert dict(changed.bonus["wards"]) == {}  # dropped
    names = [c.name for c in controls_of(org)]
    assert names[:2] == ["bonus.emergency.four_hour_wait", SHARE] and names[-1] == "wait_harm"


def test_refused_settings_name_the_quantity(model: ModelText) -> None:
    assert model.organization is not None
    with pytest.raises(inc.ModelError, match=r"bonus\.nobody\.x"):
        normalised(model.organization, {"bonus.nobody.x": 1.0}, [])
    with pytest.raises(inc.ModelError, match="beds: expected a finite number"):
        Settings(values={"beds": float("nan")})


def test_the_analysis_is_the_apis_and_is_computed_once(model: ModelText) -> None:
    engine = Engine()
    org = model.organization
    assert org is not None
    for values in ({}, {SHARE: 0.1}, {SHARE: 0.058}, {"beds": 70}):
        settings = Settings(values=values)
        mine = engine.analysis(model, settings)
        theirs = inc.analyze(with_values(org, values) if values else org, exact=False)
        assert labels(mine) == labels(theirs)
        assert mine.gaming_departments == theirs.gaming_departments
        assert float(mine.worst.company_value) == pytest.approx(float(theirs.worst.company_value), rel=1e-12)
        assert engine.analysis(model, settings) is mine
    assert engine.analysis(model, Settings(values={SHARE: 0.1})).gaming_departments == ()
    assert engine.analysis(model, Settings(values={SHARE: 0.058})).gaming_departments == ("emergency", "surgery")


def test_moving_a_weight_reuses_the_kpi_arrays_and_moving_a_parameter_does_not(model: ModelText) -> None:
    engine = Engine()
    before = engine.evaluate(model, Settings())
    weight = engine.evaluate(model, Settings(values={SHARE: 0.05}))
    assert all(np.shares_memory(before.kpis[k], weight.kpis[k]) for k in before.kpis)
    parameter = engine.evaluate(model, Settings(values={"beds": 80.0}))
    assert not np.shares_memory(before.kpis["bed_occupancy"], parameter.kpis["bed_occupancy"])


def test_an_event_is_the_apis_and_reuses_the_analysis(model: ModelText, monkeypatch: pytest.MonkeyPatch) -> None:
    engine = Engine()
    settings = Settings(values={SHARE: 0.1})
    engine.analysis(model, settings)
    solved = []
    import incentives.analysis.perspectives as module

    original = module.analyze
    monkeypatch.setattr(module, "analyze", lambda *a, **k: solved.append(a) or original(*a, **k))
    mine = engine.event(model, settings, "winter")
    assert len(solved) == 1  # only the model after the event is solved: the one before is the engine's
    monkeypatch.undo()
    assert model.organization is not None
    theirs = inc.perspectives(with_values(model.organization, {SHARE: 0.1}), "winter", exact=False)
    assert {v.party: v.verdict for v in mine.views} == {v.party: v.verdict for v in theirs.views}
    assert [float(v.change) for v in mine.views] == pytest.approx([float(v.change) for v in theirs.views])


def test_a_design_is_the_apis_and_its_plan_goes_on_the_sliders(model: ModelText) -> None:
    engine = Engine()
    org = model.organization
    assert org is not None
    allow = frozenset(Term(d, "company_value") for d in org.department_names)
    plan = engine.design(model, Settings(), DesignRequest(allow=allow))
    theirs = inc.design(org, allow=sorted(str(t) for t in allow), nonnegative=True)
    assert plan.found and theirs.found and plan.verification.is_equilibrium
    assert {d: dict(w) for d, w in plan.weights.items()} == {d: dict(w) for d, w in theirs.weights.items()}
    adopted = settings_for_plan(org, Settings(), plan.redesigned)
    assert adopted.dropped == {Term("emergency", "four_hour_wait"), Term("wards", "bed_occupancy"),
                               Term("surgery", "procedures_done")}  # fmt: skip
    adopted_analysis = engine.analysis(model, adopted)
    assert plan.target_label in labels(adopted_analysis)


def test_the_model_file_is_the_text_until_something_changes_then_the_organisation(model: ModelText) -> None:
    assert model_file_text(model, Settings()) == model.text
    settings = Settings(values={SHARE: 0.1}, dropped={Term("wards", "bed_occupancy")})
    written = inc.loads_model(model_file_text(model, settings))
    assert model.organization is not None
    assert written == apply_settings(model.organization, settings)


def test_a_newer_job_supersedes_an_older_one_which_stops_at_its_next_checkpoint() -> None:
    board = JobBoard()
    started, release = threading.Event(), threading.Event()

    def slow(job):  # type: ignore[no-untyped-def]
        started.set()
        release.wait(5)
        job.report("after the wait")  # a checkpoint
        return "old"

    with ThreadPoolExecutor(2) as pool:
        old = board.start("analysis", slow, pool)
        started.wait(5)
        new = board.start("analysis", lambda job: "new", pool)
        release.set()
        assert new.future.result(5) == "new"
        with pytest.raises(Superseded):
            old.future.result(5)
    assert old.superseded and not new.superseded and board.latest("analysis") is new
    assert board.find(old.id) is old and board.find("no such job") is None
