"""The vectorised kernels of incentive design against plain loops, and the deletion filter against brute force."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

import incentives as inc
from incentives.design.conditions import best_losses, deterrence
from incentives.design.diagnose import irreducible_subset
from incentives.design.linear import LinearPayoffs, bonus_payoffs, switch_gains
from incentives.design.program import Program


def random_payoffs(rng: np.random.Generator, shape: tuple[int, ...], per_player: int = 3) -> LinearPayoffs:
    n = len(shape)
    owned = tuple(np.arange(i * per_player, (i + 1) * per_player) for i in range(n))
    return LinearPayoffs(
        players=tuple(f"p{i}" for i in range(n)),
        actions=tuple(tuple(f"a{k}" for k in range(m)) for m in shape),
        variables=tuple(f"x{j}" for j in range(n * per_player)),
        base=rng.normal(size=(n, *shape)),
        owned=owned,
        terms=tuple(rng.normal(size=(per_player, *shape)) for _ in range(n)),
    )


@pytest.mark.parametrize("shape", [(2, 3), (3, 2, 2), (2, 2, 3, 2)])
def test_switch_gains_match_a_loop_over_profiles(shape: tuple[int, ...]) -> None:
    rng = np.random.default_rng(7)
    lin = random_payoffs(rng, shape)
    x = rng.normal(size=len(lin.variables))
    payoffs = lin.payoffs(x)
    for i in range(len(shape)):
        sw = switch_gains(lin, i, np.arange(lin.n_profiles))
        got = sw.constant + sw.coefficients @ x[sw.columns]
        expected = {}
        for profile in itertools.product(*(range(n) for n in shape)):
            for a in range(shape[i]):
                if a != profile[i]:
                    moved = list(profile)
                    moved[i] = a
                    flat = int(np.ravel_multi_index(profile, shape))
                    expected[(flat, a)] = payoffs[(i, *moved)] - payoffs[(i, *profile)]
        assert len(got) == len(expected)
        for origin, to, value in zip(sw.origins, sw.to, got, strict=True):
            assert value == pytest.approx(expected[(int(origin), int(to))])


def test_payoffs_linear_in_bonus_weights_rebuild_the_game() -> None:
    org = inc.load_model("examples/growing_company.yaml")
    allowed = {d: tuple(w) for d, w in org.bonus.items()}
    lin = bonus_payoffs(inc.evaluate_model(org, exact=False), allowed)
    weights = np.array([float(org.bonus[term.department][term.kpi]) for term in lin.variables])
    assert np.allclose(lin.payoffs(weights), inc.build_game(org, exact=False).float_payoffs())


def test_best_losses_is_the_box_maximum() -> None:
    rng = np.random.default_rng(3)
    lin = random_payoffs(rng, (3, 2))
    lower, upper = -rng.uniform(0, 2, size=6), rng.uniform(0, 2, size=6)
    for sw in deterrence(lin, (1, 0), "dominant"):
        best = best_losses(sw, lower, upper)
        cols = sw.columns
        corners = np.array(list(itertools.product(*zip(lower[cols], upper[cols], strict=True))))
        by_corner = (-(sw.constant[:, None] + sw.coefficients @ corners.T)).max(axis=1)
        assert np.allclose(best, by_corner)


def test_deletion_filter_finds_an_irreducible_infeasible_set() -> None:
    rng = np.random.default_rng(11)
    for _ in range(20):
        # rows a_r . x >= b_r in two variables within a box; the set is made infeasible on purpose
        count = 8
        a = rng.normal(size=(count, 2))
        b = rng.uniform(0.5, 2.0, size=count)
        a[-1] = -a[0]
        b[-1] = 1.0 - b[0] + 3.0  # a0.x >= b0 and -a0.x >= b0 + ... cannot both hold

        def feasible(rows: np.ndarray, a: np.ndarray = a, b: np.ndarray = b) -> bool:
            rows = np.asarray(rows, dtype=np.int64)
            program = Program()
            x = program.add_variables(2, lower=-5.0, upper=5.0)
            program.add_rows(x, a[rows], lower=b[rows])
            return program.solve().status != "infeasible"

        assert not feasible(np.arange(count))
        found = irreducible_subset(feasible, count)
        assert not feasible(np.array(found))
        for drop in found:
            assert feasible(np.array([r for r in found if r != drop]))
