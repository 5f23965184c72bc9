"""One size budget, checked before memory is spent, on every path that holds arrays over all profiles."""

from __future__ import annotations

import time

import numpy as np
import pytest

import incentives as inc
from incentives.build import compile_model
from incentives.game import SizeBudget
from incentives.whatif import grid, sweep, thresholds

EXAMPLE = "examples/growing_company.yaml"


def wide(departments: int, actions: int) -> inc.Organization:
    """``departments`` departments of ``actions`` actions each, one KPI summing their choices."""
    return inc.Organization.from_dict(
        {
            "name": "wide",
            "departments": {
                f"d{i}": {"actions": {f"a{k}": {"x": k} for k in range(actions)}} for i in range(departments)
            },
            "kpis": {"total": " + ".join(f"d{i}.x" for i in range(departments))},
            "company_value": "total",
            "bonus": {"d0": {"total": 1}},
        }
    )


# The shapes the hostile-input report found crashing or running for minutes (8 x 8 is 16.7 million
# profiles, 200 x 2 about 1.6e60); every path must refuse them at once, saying what to do.
SHAPES = [(8, 8), (10, 5), (12, 5), (14, 5), (20, 4), (24, 2), (40, 2), (64, 2), (200, 2)]
PATHS = {
    "evaluate": lambda org: inc.evaluate_model(org),
    "analyze": lambda org: inc.analyze(org),
    "graph": lambda org: inc.dependency_graph(org),
    "design": lambda org: inc.design(org),
    "via negativa": lambda org: inc.via_negativa(org),
    "transfers": lambda org: inc.design_transfers(org),
    "sweep": lambda org: sweep(org, {"bonus.d0.total": [0, 1]}, progress=False, workers=1),
    "thresholds": lambda org: thresholds(org, ["bonus.d0.total"]),
}


@pytest.mark.parametrize("shape", SHAPES, ids=[f"{n}x{a}" for n, a in SHAPES])
@pytest.mark.parametrize("path", sorted(PATHS))
def test_oversized_models_are_refused_at_once_on_every_path(shape: tuple[int, int], path: str) -> None:
    org = wide(*shape)
    start = time.perf_counter()
    with pytest.raises(inc.GameTooLargeError) as caught:
        PATHS[path](org)
    assert time.perf_counter() - start < 5.0  # a refusal, not a computation that ran out of memory
    message = str(caught.value)
    assert "profiles" in message
    if path != "thresholds":
        assert f"{shape[0]} departments with {shape[1]} actions each" in message
        assert "--max-profiles" in message


def test_the_limit_is_the_budget_and_raising_it_lets_the_model_through() -> None:
    org = inc.load_model(EXAMPLE)  # 16 profiles
    with pytest.raises(inc.GameTooLargeError, match="16 action profiles"):
        inc.evaluate_model(org, budget=SizeBudget(max_profiles=15))
    model = inc.evaluate_model(org, budget=SizeBudget(max_profiles=16))
    assert model.budget.max_profiles == 16
    assert inc.analyze(model).gaming_departments == ("sales", "support", "development")


def test_each_analysis_checks_its_own_arrays_against_the_models_budget() -> None:
    # The model holds 2 x 4 payoff and cost arrays, 9 KPIs, company value and one working array:
    # 19 arrays of 16 floats, 2,432 bytes. The dependency graph needs about 49 such arrays.
    # Floating point here: an exact model counts more bytes per entry (sympy numbers).
    org = inc.load_model(EXAMPLE)
    model = inc.evaluate_model(org, exact=False, budget=SizeBudget(max_bytes=4000))
    inc.analyze(model)  # the alignment needs 5 arrays: within the budget
    with pytest.raises(inc.GameTooLargeError, match=r"^the dependency graph"):
        inc.dependency_graph(model)
    assert inc.dependency_graph(inc.evaluate_model(org)).graph.number_of_nodes() > 0


def test_a_sweep_cuts_its_batches_to_the_budget_and_gives_the_same_records() -> None:
    org = inc.load_model(EXAMPLE)
    per_point = 19 * 16 * 8
    small = SizeBudget(max_bytes=3 * per_point)
    assert compile_model(org, ["customers_per_deal"], budget=small).points_per_batch() == 3
    with pytest.raises(inc.GameTooLargeError, match="batch of 4 points"):
        compile_model(org, ["customers_per_deal"], budget=small).evaluate([[100.0]] * 4)
    points = {"customers_per_deal": list(np.linspace(10, 1000, 10))}
    tight = sweep(org, points, progress=False, workers=1, budget=small)
    roomy = sweep(org, points, progress=False, workers=1)
    assert tight.to_records() == roomy.to_records()


def test_grids_and_samples_beyond_the_point_limit_are_refused_before_they_are_built() -> None:
    with pytest.raises(inc.GameTooLargeError, match="a grid of 1000 x 1000 values has 1,000,000 points"):
        grid({"a": np.arange(1000), "b": np.arange(1000)})
    from incentives.whatif import latin_hypercube

    with pytest.raises(inc.GameTooLargeError, match="Latin-hypercube"):
        latin_hypercube({"a": (0, 1)}, 10**9)


def test_dominance_by_mixtures_is_skipped_with_a_note_when_its_program_is_too_large(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from incentives.solvers import dominance

    # Row's D is dominated only by the mixture 1/2 U + 1/2 M (the textbook example).
    game = inc.Game.from_bimatrix([[3, 0], [0, 3], [1, 1]], [[1, 0], [0, 1], [0, 0]])
    assert dominance.eliminate_dominated(game).steps
    monkeypatch.setattr(dominance, "MAX_MIXTURE_ROWS", 1)
    result = dominance.eliminate_dominated(game)
    assert not result.steps
    assert any("dominance by mixtures was not checked" in note for note in result.notes)
