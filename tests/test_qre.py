"""Logit quantal response equilibria, their path, and the ``logit`` solver that follows it to a Nash equilibrium.

Oracles: the QRE fixed point checked directly (softmax of payoffs computed here with
einsum), a closed form solved by bisection, brute-force regret, and a slow path traced
with tiny steps.
"""

from __future__ import annotations

import itertools
import warnings
from fractions import Fraction as F

import numpy as np
import pytest
from scipy.optimize import brentq

import incentives as inc


def deviation_payoffs(payoffs: np.ndarray, profile: tuple[np.ndarray, ...]) -> list[np.ndarray]:
    """Each player's expected payoff of each action, by einsum over every profile."""
    n = payoffs.shape[0]
    letters = "abcdefgh"[:n]
    out = []
    for i in range(n):
        operands = [payoffs[i]] + [profile[j] for j in range(n) if j != i]
        spec = letters + "," + ",".join(letters[j] for j in range(n) if j != i) + "->" + letters[i]
        out.append(np.einsum(spec, *operands))
    return out


def qre_error(payoffs: np.ndarray, profile: tuple[np.ndarray, ...], lam: float) -> float:
    """How far ``profile`` is from the logit response to itself at ``lam``."""
    worst = 0.0
    for probs, gains in zip(profile, deviation_payoffs(payoffs, profile), strict=True):
        response = np.exp(lam * (gains - gains.max()))
        worst = max(worst, float(np.max(np.abs(probs - response / response.sum()))))
    return worst


def oracle_regret(payoffs: np.ndarray, profile: tuple[np.ndarray, ...]) -> float:
    n, shape = payoffs.shape[0], payoffs.shape[1:]
    worst = 0.0
    for i in range(n):
        deviation = np.zeros(shape[i])
        for cell in itertools.product(*(range(k) for k in shape)):
            weight = np.prod([float(profile[j][cell[j]]) for j in range(n) if j != i])
            deviation[cell[i]] += weight * float(payoffs[(i, *cell)])
        worst = max(worst, float(deviation.max() - np.dot(np.asarray(profile[i], dtype=float), deviation)))
    return worst


def random_game(shape: tuple[int, ...], seed: int, scale: float = 1.0) -> inc.Game:
    return inc.Game.from_payoffs(scale * np.random.default_rng(seed).normal(size=(len(shape), *shape)))


PD = inc.Game.from_bimatrix([[3, 0], [5, 1]], [[3, 5], [0, 1]])


# -- logit_qre ----------------------------------------------------------------------------------


def test_rationality_zero_is_uniform_play() -> None:
    game = random_game((2, 3, 4), 0)
    assert all(np.allclose(p, 1 / len(p)) for p in inc.logit_qre(game, 0.0))


@pytest.mark.parametrize("lam", [0.3, 1.0, 4.0])
def test_prisoners_dilemma_matches_its_closed_form(lam: float) -> None:
    # defecting pays 1 + q more than cooperating, q being the other's cooperation probability;
    # by symmetry the QRE cooperation probability p solves p = 1 / (1 + exp(lam (1 + p)))
    expected = brentq(lambda p: p - 1 / (1 + np.exp(lam * (1 + p))), 0, 1, xtol=1e-15)
    profile = inc.logit_qre(PD, lam)
    assert abs(profile[0][0] - expected) < 1e-10 and abs(profile[1][0] - expected) < 1e-10


@pytest.mark.parametrize(("shape", "seed"), [((3, 3, 3), 1), ((2, 2, 2, 2), 2), ((4, 2), 3)])
def test_qre_is_the_logit_response_to_itself(shape: tuple[int, ...], seed: int) -> None:
    game = random_game(shape, seed, scale=3.0)
    for lam in (0.5, 2.0, 10.0):
        profile = inc.logit_qre(game, lam)
        assert qre_error(game.float_payoffs(), profile, lam) < 1e-9
        assert all(abs(p.sum() - 1) < 1e-12 and np.all(p > 0) for p in profile)


def test_scaling_payoffs_rescales_rationality() -> None:
    game = random_game((3, 3, 2), 4)
    doubled = inc.Game.from_payoffs(2 * game.float_payoffs())
    for a, b in zip(inc.logit_qre(game, 3.0), inc.logit_qre(doubled, 1.5), strict=True):
        assert np.allclose(a, b, atol=1e-10)


def test_bad_rationality_is_refused() -> None:
    with pytest.raises(ValueError, match=r"'lam'.*>= 0"):
        inc.logit_qre(PD, -1.0)
    with pytest.raises(ValueError, match="'max_lambda'"):
        inc.logit_path(PD, max_lambda=0)


# -- logit_path ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("shape", "seed", "scale"),
    # the last game's path passes a sharp turn near lambda = 550 where the step size used to collapse
    [((3, 3, 3), 0, 2.0), ((3, 3, 3, 3), 1, 2.0), ((2, 2, 2, 2, 2), 2, 2.0), ((5, 4), 3, 2.0), ((2,) * 6, 17, 1.0)],
)
def test_every_point_is_a_qre_and_the_limit_is_a_nash_equilibrium(
    shape: tuple[int, ...], seed: int, scale: float
) -> None:
    game = random_game(shape, seed, scale=scale)
    path = inc.logit_path(game)
    assert path.converged and path.limit is not None
    assert path.lambdas[0] == 0 and len(path) == len(path.profiles[0])
    payoffs = game.float_payoffs()
    for k in range(0, len(path), max(1, len(path) // 6)):
        assert qre_error(payoffs, path.profile(k), float(path.lambdas[k])) < 1e-8
    assert oracle_regret(payoffs, path.limit) < 1e-8 * np.abs(payoffs).max()
    last = path.profile(len(path) - 1)
    assert max(float(np.abs(a - b).max()) for a, b in zip(last, path.limit, strict=True)) <= 1e-2


def test_a_prediction_that_overflows_shortens_the_step_instead_of_crashing() -> None:
    # Regression: on this 8 x 8 x 8 game a predicted point had a log-probability so large that its
    # probability overflowed; the corrector then raised "SVD did not converge" out of solve().
    payoffs = np.random.default_rng([3, 8, 8, 8, 2]).normal(size=(3, 8, 8, 8))
    game = inc.Game.from_payoffs(payoffs)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = inc.solve(game, "logit")
    assert len(result.equilibria) == 1
    assert oracle_regret(payoffs, result.equilibria[0].profile) < 1e-8
    path = inc.logit_path(game)
    assert path.converged and path.limit is not None


@pytest.mark.parametrize("shape", [(3, 3, 3), (4, 2, 3, 2), (2,) * 5, (2, 3, 2, 2, 3), (2,) * 6])
def test_batched_and_pair_by_pair_evaluation_agree(shape: tuple[int, ...]) -> None:
    # From three players on the tracer evaluates H and its Jacobian for all pairs of players at once;
    # the pair-by-pair evaluation (two players, and games too large to batch) is the oracle.
    from incentives.solvers._qre_tracer import Tracer

    rng = np.random.default_rng(list(shape))
    payoffs = rng.uniform(size=(len(shape), *shape))
    batched, paired = Tracer(payoffs=payoffs, shape=shape), Tracer(payoffs=payoffs, shape=shape)
    paired.__dict__["layout"] = None  # the cached property, switched off
    assert batched.layout is not None
    for lam in (0.0, 2.5, 40.0):
        mixes = [rng.dirichlet(np.ones(n)) for n in shape]
        mixes[0][0] = 0.0  # a probability that underflowed
        z = np.concatenate([np.log(np.maximum(m, 1e-300)) for m in mixes] + [np.array([lam])])
        assert np.allclose(batched.residual(z), paired.residual(z), rtol=0, atol=1e-12)
        assert np.allclose(batched.jacobian(z), paired.jacobian(z), rtol=0, atol=1e-12)


def test_path_follows_a_fold_back_and_forth_to_the_right_limit() -> None:
    # the branch of this game rises to lambda ~ 226, falls back to ~ 6.3 and rises again to the pure
    # equilibrium (row 2, column 2); a tracer that jumps across the folds ends elsewhere or stalls
    game = inc.Game.from_payoffs(np.random.default_rng(12).normal(size=(2, 3, 3)))
    path = inc.logit_path(game)
    lambdas = path.lambdas * float(np.abs(game.float_payoffs()).max())  # in the tracer's unit payoffs
    high = int(np.argmax(lambdas > 200))
    assert high > 0 and lambdas[high:].min() < 10  # it went up past 200, then back down below 10
    assert [list(p) for p in path.limit] == [[0, 1, 0], [0, 1, 0]]
    assert inc.solve(game, "logit").equilibria[0].pure_indices() == (1, 1)


def test_path_without_stopping_goes_to_max_lambda() -> None:
    path = inc.logit_path(PD, max_lambda=50.0, stop_at_nash=False)
    assert path.lambdas[-1] >= 50 and path.limit is None and path.converged
    assert path.profiles[0][-1][1] > 1 - 1e-12  # defect, almost surely


def test_qre_path_validates_its_fields() -> None:
    with pytest.raises(ValueError, match="'lambdas'"):
        inc.QrePath(players=("a",), actions=(("x", "y"),), lambdas=np.array([]), profiles=(np.zeros((0, 2)),))
    with pytest.raises(ValueError, match="'a' must have shape"):
        inc.QrePath(players=("a",), actions=(("x", "y"),), lambdas=np.zeros(2), profiles=(np.zeros((2, 3)),))
    path = inc.logit_path(PD)
    with pytest.raises(ValueError):
        path.lambdas[0] = 1.0  # read-only


def test_plot_draws_one_line_per_action() -> None:
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    game = random_game((3, 2), 5)
    ax = inc.logit_path(game).plot()
    assert len(ax.get_lines()) == 5 and ax.get_xscale() == "symlog"
    ax = inc.logit_path(game).plot(players=(game.players[1],), xscale="linear")
    assert len(ax.get_lines()) == 2
    import matplotlib.pyplot as plt

    plt.close("all")


# -- the logit solver -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("shape", "seed"),
    # seeds 8 and 24 of six players: paths that used to turn back near a bifurcation, or stall at lambda ~ 1e5
    [((3, 3, 3), 7), ((3, 3, 3, 3), 8), ((4, 4, 4, 4), 9), ((2,) * 6, 10), ((2,) * 6, 8), ((2,) * 6, 24)],
)
def test_logit_solver_returns_one_verified_equilibrium(shape: tuple[int, ...], seed: int) -> None:
    game = random_game(shape, seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", inc.IncompleteSearchWarning)
        result = inc.solve(game, "logit")
    assert result.status == "incomplete" and len(result) == 1
    assert oracle_regret(game.float_payoffs(), result.equilibria[0].profile) < 1e-8


def test_logit_solver_on_exact_games_gives_fractions() -> None:
    # asymmetric matching pennies: the unique equilibrium is (1/2, 1/2), (1/10, 9/10)
    game = inc.Game.from_bimatrix([[9, 0], [0, 1]], [[0, 1], [1, 0]])
    (eq,) = inc.solve(game, "logit")
    assert [list(p) for p in eq.profile] == [[F(1, 2), F(1, 2)], [F(1, 10), F(9, 10)]]
    assert eq.regret == 0


def test_logit_solver_ignores_payoff_units_and_zero_points() -> None:
    game = random_game((3, 3, 3), 11)
    shifted = inc.Game.from_payoffs(game.float_payoffs() * np.array([5.0, 0.2, 1.0])[:, None, None, None] + 3.0)
    first = inc.solve(game, "logit").equilibria[0].profile
    second = inc.solve(shifted, "logit").equilibria[0].profile
    assert all(np.allclose(a, b, atol=1e-9) for a, b in zip(first, second, strict=True))


def test_logit_solver_respects_its_budget() -> None:
    result = inc.solve(random_game((3, 3, 3), 12), "logit", max_iterations=2)
    assert result.status == "budget_exhausted" and len(result) == 0 and result.notes


def test_logit_is_a_method_of_the_command_line(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from click.testing import CliRunner

    from incentives.cli import main

    path = tmp_path / "game.nfg"
    inc.write_nfg(inc.Game.from_bimatrix([[2, 0], [0, 1]], [[2, 0], [0, 1]]), path)
    result = CliRunner().invoke(main, ["solve", str(path), "--method", "logit", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert '"method": "logit"' in result.output


def test_qre_command_reports_points_and_the_limit(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import json

    from click.testing import CliRunner

    from incentives.cli import main

    runner = CliRunner()
    result = runner.invoke(main, ["qre", "examples/growing_company.yaml", "-l", "0", "-l", "2", "--format", "json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert document["schema"] == "incentives.qre/1" and [p["lambda"] for p in document["points"]] == [0.0, 2.0]
    assert document["points"][0]["profile"]["sales"] == [0.5, 0.5]
    assert document["limit"]["sales"] == [0.0, 1.0]  # aggressive, the equilibrium of the example
    picture = tmp_path / "path.png"
    result = runner.invoke(main, ["qre", "examples/growing_company.yaml", "--plot", str(picture)])
    assert result.exit_code == 0 and "Probability of each action" in result.stdout
    row = next(line for line in result.stdout.splitlines() if line.startswith("│           0 │ sales"))
    assert "consultative 0.500, aggressive 0.500" in row
    assert picture.read_bytes()[:4] == b"\x89PNG" and f"wrote {picture}" in result.stderr


def test_qre_json_follows_its_schema() -> None:
    import json

    from click.testing import CliRunner

    from incentives.cli import main
    from incentives.report.schemas import validate

    result = CliRunner().invoke(main, ["qre", "examples/growing_company.yaml", "--format", "json"])
    document = json.loads(result.output)
    validate(document)
    assert len(document["points"]) == 6 and document["points"][0]["lambda"] == 0.0


# -- symmetric games: the principal branch splits --------------------------------------------------

#: Battle of the sexes and chicken: symmetric 2 x 2 games whose principal branch meets a pitchfork.
BATTLE = inc.Game.from_bimatrix([[2, 0], [0, 1]], [[1, 0], [0, 2]])
CHICKEN = inc.Game.from_bimatrix([[0, -1], [1, -10]], [[0, 1], [-1, -10]])


def logistic(x: float) -> float:
    return 1.0 / (1.0 + np.exp(-x))


def battle_split() -> float:
    """Where the symmetric branch of the battle of the sexes bifurcates, derived by hand.

    With the row playing its first action with probability p and the column with q, the QRE
    are p = s(lam (3q - 1)), q = s(lam (3p - 2)) for the logistic s; the branch from lam = 0
    keeps q = 1 - p, so p = s(lam (2 - 3p)).  The Jacobian of the fixed point is singular where
    9 lam^2 p(1-p) q(1-q) = 1, that is lam = 1 / (3 p (1 - p)) on the branch.
    """
    p = brentq(lambda p: p - logistic((2 - 3 * p) / (3 * p * (1 - p))), 0.5, 2 / 3 - 1e-9)
    return 1.0 / (3 * p * (1 - p))


def nashpy_equilibria(game: inc.Game) -> list[tuple[np.ndarray, ...]]:
    import nashpy

    payoffs = game.float_payoffs()
    return [tuple(np.asarray(p, dtype=float) for p in eq) for eq in nashpy.Game(*payoffs).support_enumeration()]


def same_set(found: list[tuple[np.ndarray, ...]], expected: list[tuple[np.ndarray, ...]]) -> bool:
    def close(a: tuple[np.ndarray, ...], b: tuple[np.ndarray, ...]) -> bool:
        return all(np.allclose(np.asarray(x, dtype=float), y, atol=1e-9) for x, y in zip(a, b, strict=True))

    return len(found) == len(expected) and all(any(close(f, e) for e in expected) for f in found)


def test_the_battle_of_the_sexes_path_splits_where_the_hand_derivation_says() -> None:
    path = inc.logit_path(BATTLE)
    (split,) = path.splits
    assert split.lam == pytest.approx(battle_split(), abs=1e-6)  # 1.3722 (per unit of payoff; payoffs up to 2)
    assert float(split.profile[0][0]) == pytest.approx(1 - float(split.profile[1][0]), abs=1e-7)  # on q = 1 - p
    # the path goes on to the mixed equilibrium (2/3, 1/3), (1/3, 2/3); the two branches to the pure ones
    assert np.allclose(path.limit[0], [2 / 3, 1 / 3]) and np.allclose(path.limit[1], [1 / 3, 2 / 3])
    assert sorted(int(np.argmax(b.limit[0])) for b in split.branches) == [0, 1]
    assert same_set(list(path.limits), nashpy_equilibria(BATTLE))
    for branch in split.branches:  # every point of a branch is a QRE
        for k in range(0, len(branch), 3):
            assert qre_error(BATTLE.float_payoffs(), branch.profile(k), float(branch.lambdas[k])) < 1e-8


@pytest.mark.parametrize("game", [BATTLE, CHICKEN], ids=["battle", "chicken"])
def test_logit_solver_follows_every_branch_of_a_split_to_the_games_equilibria(game: inc.Game) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", inc.IncompleteSearchWarning)
        result = inc.solve(game, "logit")
    assert result.status == "incomplete"
    assert same_set([e.profile for e in result], nashpy_equilibria(game))  # all three, as nashpy finds them
    assert any("the path splits at lambda" in note for note in result.notes)


@pytest.mark.parametrize("lam", [0.5, 2.0, 20.0])
def test_qre_past_a_split_is_on_the_continued_branch(lam: float) -> None:
    profile = inc.logit_qre(BATTLE, lam)  # used to fail past 1.37 ("could not be traced to lambda = 4")
    assert qre_error(BATTLE.float_payoffs(), profile, lam) < 1e-9
    assert float(profile[0][0]) == pytest.approx(1 - float(profile[1][0]), abs=1e-9)


def test_generic_games_do_not_split() -> None:
    for seed in range(5):
        assert inc.logit_path(random_game((3, 3), seed)).splits == ()


def test_the_qre_report_says_where_the_path_splits(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import json

    from click.testing import CliRunner

    from incentives.cli import main
    from incentives.report.schemas import validate

    path = tmp_path / "battle.nfg"
    inc.write_nfg(BATTLE, path)
    runner = CliRunner()
    document = json.loads(runner.invoke(main, ["qre", str(path), "-l", "2", "--format", "json"]).output)
    validate(document)
    (split,) = document["splits"]
    assert split["lambda"] == pytest.approx(battle_split(), abs=1e-6)
    assert sorted(tuple(limit["row"]) for limit in split["branch_limits"]) == [(0.0, 1.0), (1.0, 0.0)]
    text = runner.invoke(main, ["qre", str(path)]).output
    assert f"At rationality {battle_split():.4g} the path splits" in text


# -- size and time (issue 14: a 294 x 105 fuzz file ran the qre command past the fuzz script's limit) ---------


def test_qre_command_refuses_a_game_with_too_many_strategies(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from click.testing import CliRunner

    from incentives.cli import main
    from incentives.limits import MAX_QRE_STRATEGIES
    from tests.fuzz.generate import nfg_header

    shape = (MAX_QRE_STRATEGIES // 2 + 1, MAX_QRE_STRATEGIES // 2 + 1)  # one strategy past the limit
    rng = np.random.default_rng(14)
    path = tmp_path / "wide.nfg"
    path.write_text(nfg_header(shape) + " ".join(map(str, rng.integers(-9, 10, size=2 * shape[0] * shape[1]))))
    assert inc.read_nfg(path).shape == shape  # a valid game: only its size is refused
    result = CliRunner().invoke(main, ["qre", str(path), "--format", "json"])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    message = " ".join(result.output.split())
    assert str(path) in message
    assert f"up to {MAX_QRE_STRATEGIES} strategies" in message
    assert f"make {sum(shape)} strategies" in message
    assert "incentives solve" in message


def test_qre_refuses_many_players_before_tracing() -> None:
    from incentives.limits import MAX_QRE_PAIR_PROFILES

    game = random_game((2,) * 12, 3)  # 24 strategies, but 4,096 profiles x 132 ordered pairs of players
    assert 2**12 * 132 > MAX_QRE_PAIR_PROFILES
    for trace in (lambda: inc.logit_path(game), lambda: inc.logit_qre(game, 1.0)):
        with pytest.raises(inc.GameTooLargeError, match="540,672"):
            trace()
    inc.logit_path(random_game((2,) * 4, 3))  # within the limits: traced


def test_a_run_of_failed_steps_ends_when_the_time_is_up(monkeypatch: pytest.MonkeyPatch) -> None:
    from incentives.solvers import _qre_tracer

    tracer = _qre_tracer.Tracer(payoffs=PD.float_payoffs() / 5, shape=PD.shape)
    attempts = []

    def fail(self, z, **options):  # type: ignore[no-untyped-def]
        attempts.append(z)
        return z, False, None

    monkeypatch.setattr(_qre_tracer.Tracer, "_correct", fail)
    trace = tracer.trace(10.0, 100, True, stop=lambda: True)
    assert len(trace.lambdas) == 1 and not trace.converged
    assert len(attempts) == 1  # before, the step was halved about 40 times, each a corrector run, past the stop
    with pytest.raises(inc.SolverError, match="within the time budget"):
        tracer.at(5.0, stop=lambda: True)
