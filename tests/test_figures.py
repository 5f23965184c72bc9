"""Every figure the toolkit draws, on every bundled example, is readable: checked with matplotlib's renderer.

For each example model (``examples/*.yaml``, and the classics of ``examples/classics/``
discretised to three levels of each effort) the test draws, at its default size, the three
views of the dependency graph, the handout's pictures, a sweep against a parameter, a sweep
of a bonus weight over a tiny range, a phase diagram over two quantities, the logit QRE path
and four learning dynamics.  Beside them stand scenes the examples do not reach: sweeps and
phase diagrams with mixed and degenerate equilibria (several at a point, mixtures in the
labels), a Latin-hypercube phase diagram, the QRE on textbook games and on every axis scale,
one player's simplex and time plot, the notebooks' own models, a graph drawn into a user's
axes, and the pictures the command line writes (``sweep --plot``, ``qre --plot``,
``graph --plot``, captured as they are saved).  Every one is checked with
:func:`incentives.figures.figure_problems`: every text lies inside the figure, no two tick
labels of an axis come within 3 points, no two texts overlap, no legend lies over an axes,
and no font is under 8 points as printed (the handout's picture at its printed size).
:data:`PLOTTERS` lists every public function that draws, and a test checks that each is
used here, so a new plot cannot go untested.

The checker itself is tested against figures made to break each rule, so a check that could
not fail would show here.  ``python tests/test_figures.py FOLDER`` writes every figure as a
PNG, to look at.
"""

from __future__ import annotations

import contextlib
import functools
import sys
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")

from matplotlib.figure import Figure  # noqa: E402

import incentives as inc  # noqa: E402
from incentives.dynamics import plot_simplex, plot_time  # noqa: E402
from incentives.figures import MIN_FONT_SIZE, figure_problems  # noqa: E402
from incentives.graph import draw_graph  # noqa: E402
from incentives.whatif import grid, latin_hypercube, plot_phase_diagram, plot_sweep, save_figure  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted(p.stem for p in (ROOT / "examples").glob("*.yaml"))
CLASSICS = sorted(p.stem for p in (ROOT / "examples" / "classics").glob("*.yaml"))


@pytest.fixture(autouse=True)
def _close_pyplot_figures() -> Any:
    import matplotlib.pyplot as plt

    yield
    plt.close("all")


@functools.cache
def organisation(name: str) -> inc.Organization:
    """An example model; a classic is discretised (three levels of each effort in [0, 2])."""
    from incentives.continuous import discretise

    if name in CLASSICS:
        org = inc.load_model(ROOT / "examples" / "classics" / f"{name}.yaml")
        return discretise(org, 3, ranges={f"{d.name}.{v}": (0, 2) for d in org.departments for v in d.continuous})
    return inc.load_model(ROOT / "examples" / f"{name}.yaml")


@functools.cache
def graph(name: str) -> inc.DependencyGraph:
    return inc.dependency_graph(organisation(name))


def _around(value: float, points: int) -> np.ndarray:
    return np.linspace(value / 4, 3 * value, points) if value else np.linspace(0, 1, points)


def _first_parameter(org: inc.Organization) -> tuple[str, float]:
    name = next(iter(org.parameters))
    return name, float(org.parameters[name])


def _quiet(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*args, **kwargs)


def sweep_parameter(name: str) -> Figure:
    org = organisation(name)
    parameter, value = _first_parameter(org)
    return plot_sweep(_quiet(inc.sweep, org, {parameter: _around(value, 9)}, progress=False))


def sweep_tiny_weight(name: str) -> Figure:
    """A bonus weight swept over [-0.002, 0.002]: the ticks that once ran together."""
    org = organisation(name)
    department = org.department_names[0]
    kpi = next(iter(org.bonus.get(department, {})), None) or next(iter(org.kpis))
    points = {f"bonus.{department}.{kpi}": np.linspace(-0.002, 0.002, 9)}
    return plot_sweep(_quiet(inc.sweep, org, points, progress=False))


def phase_diagram(name: str) -> Figure:
    org = organisation(name)
    parameter, value = _first_parameter(org)
    share = f"bonus.{org.department_names[-1]}.company_value"
    points = grid({parameter: _around(value, 5), share: np.linspace(0, 0.5, 4)})
    return plot_phase_diagram(_quiet(inc.sweep, org, points, progress=False))


def qre_path(name: str) -> Figure:
    path = _quiet(inc.logit_path, inc.build_game(organisation(name)))
    return path.plot().figure  # type: ignore[no-any-return]


def replicator(name: str) -> Figure:
    return inc.plot_dynamics(_quiet(inc.replicator_dynamics, inc.build_game(organisation(name)), rng=0))


def fictitious(name: str) -> Figure:
    return inc.plot_dynamics(_quiet(inc.fictitious_play, inc.build_game(organisation(name)), rounds=1000, rng=0))


def logit_learning(name: str) -> Figure:
    return inc.plot_dynamics(_quiet(inc.logit_dynamics, inc.build_game(organisation(name)), rng=0))


def best_responses(name: str) -> Figure:
    return inc.plot_dynamics(_quiet(inc.best_response_dynamics, inc.build_game(organisation(name)), rng=0))


def graph_view(view: str) -> Callable[[str], Figure]:
    def draw(name: str) -> Figure:
        return draw_graph(graph(name), view)

    draw.__name__ = f"graph_{view}"
    return draw


def handout_picture(view: str) -> Callable[[str], Figure]:
    def draw(name: str) -> Figure:
        from incentives.report.graph import handout_figure

        return handout_figure(graph(name), view)  # type: ignore[no-any-return]

    return draw


FIGURES: dict[str, Callable[[str], Figure]] = {
    "graph_kpis": graph_view("kpis"),
    "graph_departments": graph_view("departments"),
    "graph_all": graph_view("all"),
    "handout": handout_picture("departments"),
    "handout_kpis": handout_picture("kpis"),
    "sweep": sweep_parameter,
    "sweep_tiny_weight": sweep_tiny_weight,
    "phase_diagram": phase_diagram,
    "qre": qre_path,
    "replicator": replicator,
    "fictitious_play": fictitious,
    "logit_dynamics": logit_learning,
    "best_response": best_responses,
}


def scale_of(kind: str, figure: Figure) -> float:
    """How much smaller than its own size the figure is printed (the handout's picture: at its printed width)."""
    if kind not in ("handout", "handout_kpis"):
        return 1.0
    from incentives.report.graph import PRINTED_WIDTH

    view = "departments" if kind == "handout" else "kpis"
    return min(1.0, PRINTED_WIDTH[view] / figure.get_figwidth())


def printed_scale(figure: Figure) -> float:
    """A scene's scale: the handout's picture at the width it prints, every other figure at its own size."""
    from incentives.report.graph import PRINTED_WIDTH

    view = getattr(figure, "printed_view", None)
    return 1.0 if view is None else min(1.0, PRINTED_WIDTH[view] / figure.get_figwidth())


@pytest.mark.parametrize("kind", list(FIGURES))
@pytest.mark.parametrize("model", EXAMPLES + CLASSICS)
def test_every_figure_is_readable(model: str, kind: str) -> None:
    figure = FIGURES[kind](model)
    assert figure_problems(figure, scale=scale_of(kind, figure)) == []


# --- scenes the examples do not reach ---------------------------------------------------------------------------------


def _data_model(name: str) -> inc.Organization:
    return inc.load_model(ROOT / "tests" / "data" / f"{name}.yaml")


def _sweep(org: inc.Organization, points: Any) -> Any:
    return _quiet(inc.sweep, org, points, progress=False)


#: The solution-concepts notebook's game with three actions each (two simplices).
MIDDLE_OPTIONS = """
name: Sales and support, with middle options
departments:
  sales:
    actions:
      consultative: {deals: 4, bad_fit: 0}
      balanced:     {deals: 5, bad_fit: 1}
      aggressive:   {deals: 6, bad_fit: 2}
  support:
    actions:
      thorough:   {speed: 2, fix: 2}
      standard:   {speed: 3, fix: 1}
      fast_close: {speed: 4, fix: 0}
kpis:
  signed_customers: sales.deals
  churned_customers: 3 * (2 - support.fix) / 2
  retained_customers: signed_customers - churned_customers
  tickets: 2 + 3 * sales.bad_fit
  tickets_closed_per_hour: 3 * support.speed / 2
company_value: 8 * retained_customers - 3 * tickets - 4 * churned_customers
bonus:
  sales: {retained_customers: 1}
  support: {tickets_closed_per_hour: 1, tickets: -2}
"""


def _ring() -> inc.Organization:
    """The dependency-graph notebook's three teams that blame each other."""
    return inc.Organization.from_dict(
        {
            "name": "Three teams that blame each other",
            "departments": {team: {"actions": {"calm": {"push": 0}, "push": {"push": 1}}} for team in "abc"},
            "kpis": {"score_a": "a.push - c.push", "score_b": "b.push - a.push", "score_c": "c.push - b.push"},
            "company_value": "-(a.push + b.push + c.push)",
            "bonus": {team: {f"score_{team}": 1} for team in "abc"},
        }
    )


def _chicken() -> inc.Game:
    return inc.Game.from_bimatrix([[0, -1], [1, -10]], [[0, 1], [-1, -10]], title="Chicken")


def _battle() -> inc.Game:
    return inc.Game.from_bimatrix([[2, 0], [0, 1]], [[1, 0], [0, 2]], title="Battle of the sexes")


def _qre(game: inc.Game, **options: Any) -> Figure:
    return _quiet(inc.logit_path, game).plot(**options).figure  # type: ignore[no-any-return]


def _cli_picture(module: str, *args: str) -> Figure:
    """The figure a command writes with ``--plot``, captured as it is saved (nothing is written)."""
    import importlib
    import tempfile

    from click.testing import CliRunner

    from incentives.cli import main

    command = importlib.import_module(f"incentives.cli.{module}")
    saved: list[Figure] = []
    with tempfile.TemporaryDirectory() as folder, pytest.MonkeyPatch.context() as patch:
        patch.setattr(command, "save_picture", lambda figure, path, **options: saved.append(figure))
        result = CliRunner().invoke(main, [module, *args, "--plot", str(Path(folder) / "picture.png")])
    assert result.exit_code == 0, result.output
    (figure,) = saved
    return figure


@contextlib.contextmanager
def _graph_drawings() -> Iterator[list[Figure]]:
    """Every figure :func:`incentives.graph.draw.draw_graph` draws inside the block, as it is drawn."""
    import incentives.graph.draw

    draw = incentives.graph.draw.draw_graph
    drawn: list[Figure] = []

    def record(*args: Any, **kwargs: Any) -> Figure:
        drawn.append(draw(*args, **kwargs))
        return drawn[-1]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(incentives.graph.draw, "draw_graph", record)
        yield drawn


def _graph_picture(model: str, view: str) -> Figure:
    """The picture ``incentives graph --plot`` writes (through :func:`incentives.graph.save_graph`)."""
    import tempfile

    from click.testing import CliRunner

    from incentives.cli import main

    with tempfile.TemporaryDirectory() as folder, _graph_drawings() as drawn:
        path = Path(folder) / "graph.png"
        model_file = str(ROOT / "examples" / f"{model}.yaml")
        result = CliRunner().invoke(main, ["graph", model_file, "--view", view, "--plot", str(path)])
        assert result.exit_code == 0, result.output
        assert path.stat().st_size > 0
    (figure,) = drawn
    return figure


def _handout_page(model: str, view: str) -> Figure:
    """The picture the handout embeds (:func:`incentives.report.handout.handout`), as it is drawn."""
    from incentives.report.handout import handout

    with _graph_drawings() as drawn:
        page = handout(organisation(model), view=view)
    assert page.picture is not None and page.picture.png
    (figure,) = drawn
    figure.printed_view = view  # checked at the size it prints
    return figure


def _jupyter_graph(model: str) -> Figure:
    """The picture Jupyter shows beside a dependency graph's report (its HTML display)."""
    from incentives.report import render
    from incentives.report.graph import GraphReport

    with _graph_drawings() as drawn:
        html = render(GraphReport(graph=graph(model), picture=True), "html")
    assert "data:image/png;base64," in html
    (figure,) = drawn
    return figure


def _graph_in_axes(org: inc.Organization, view: str) -> Figure:
    """A view drawn into the axes a user makes with pyplot's defaults (6.4 x 4.8 inches)."""
    import matplotlib.pyplot as plt

    _, ax = plt.subplots(layout="constrained")
    return inc.dependency_graph(org).draw(view, ax=ax)


def _one_player(plot: Callable[..., Any], game: inc.Game, player: str) -> Figure:
    return plot(_quiet(inc.replicator_dynamics, game, rng=0), player).figure  # type: ignore[no-any-return]


SCENES: dict[str, Callable[[], Figure]] = {
    # sweeps and phase diagrams with mixed and degenerate equilibria
    "sweep_mixed_keeping_close": lambda: plot_sweep(
        _sweep(organisation("keeping_close"), {"customers_per_deal": np.linspace(10, 300, 25)})
    ),
    "sweep_mixed_inspection": lambda: plot_sweep(
        _sweep(_data_model("inspection_mixed"), {"reward": np.linspace(0, 4, 9)})
    ),
    "sweep_degenerate_coordination": lambda: plot_sweep(
        _sweep(_data_model("coordination_degenerate"), {"bonus.ops.erp_used": np.linspace(-1, 2, 7)})
    ),
    "phase_mixed_keeping_close": lambda: plot_phase_diagram(
        _sweep(
            organisation("keeping_close"),
            grid({"customers_per_deal": np.linspace(10, 300, 8), "bonus.sales.company_value": np.linspace(0, 0.03, 7)}),
        )
    ),
    "phase_mixed_inspection": lambda: plot_phase_diagram(
        _sweep(
            _data_model("inspection_mixed"),
            grid({"reward": np.linspace(0, 4, 9), "costs.ops.work": np.linspace(0, 3, 7)}),
        )
    ),
    "phase_latin_hypercube": lambda: plot_phase_diagram(
        _sweep(
            organisation("growing_company"),
            latin_hypercube({"customers_per_deal": (10, 600), "bonus.support.reopened_tickets": (-0.5, 0)}, 60, rng=0),
        )
    ),
    # the logit QRE: textbook games (Chicken's principal branch bifurcates), every axis scale, one player
    "qre_chicken": lambda: _qre(_chicken()),
    "qre_battle_of_the_sexes": lambda: _qre(_battle()),
    "qre_inspection": lambda: _qre(inc.build_game(_data_model("inspection_mixed"))),
    "qre_linear": lambda: _qre(inc.build_game(organisation("growing_company")), xscale="linear"),
    "qre_log": lambda: _qre(inc.build_game(organisation("call_centre")), xscale="log"),
    "qre_one_player": lambda: _qre(inc.build_game(organisation("growing_company")), players=("support",)),
    # learning dynamics: one player's plots, the notebook's three-action game, a mixed-only game
    "simplex_frontline": lambda: _one_player(plot_simplex, inc.build_game(organisation("call_centre")), "frontline"),
    "time_support": lambda: _one_player(plot_time, inc.build_game(organisation("growing_company")), "support"),
    "time_frontline": lambda: _one_player(plot_time, inc.build_game(organisation("call_centre")), "frontline"),
    "replicator_middle_options": lambda: inc.plot_dynamics(
        _quiet(inc.replicator_dynamics, inc.build_game(inc.loads_model(MIDDLE_OPTIONS)), rng=0)
    ),
    "fictitious_play_inspection": lambda: inc.plot_dynamics(
        _quiet(inc.fictitious_play, inc.build_game(_data_model("inspection_mixed")), rounds=1000, rng=0)
    ),
    "best_response_chicken": lambda: inc.plot_dynamics(_quiet(inc.best_response_dynamics, _chicken(), rng=0)),
    # dependency graphs: the notebook's ring, views drawn into a user's axes
    "graph_ring_departments": lambda: draw_graph(inc.dependency_graph(_ring()), "departments"),
    "graph_ring_kpis": lambda: draw_graph(inc.dependency_graph(_ring()), "kpis"),
    "graph_in_axes_departments": lambda: _graph_in_axes(organisation("growing_company"), "departments"),
    "graph_in_axes_kpis": lambda: _graph_in_axes(organisation("blank_model"), "kpis"),
    # the pictures the command line writes
    "cli_sweep": lambda: _cli_picture(
        "sweep",
        str(ROOT / "examples" / "keeping_close.yaml"),
        "--param",
        "customers_per_deal=10:300:12",
        "--no-progress",
    ),
    "cli_phase_diagram": lambda: _cli_picture(
        "sweep",
        str(ROOT / "tests" / "data" / "inspection_mixed.yaml"),
        "--param",
        "reward=0:4:5",
        "--param",
        "costs.ops.work=0:3:4",
        "--no-progress",
    ),
    "cli_qre": lambda: _cli_picture("qre", str(ROOT / "examples" / "growing_company.yaml")),
    "cli_graph": lambda: _graph_picture("hospital", "departments"),
    # the handout's embedded picture and Jupyter's, as the report layer draws them
    "handout_page_departments": lambda: _handout_page("growing_company", "departments"),
    "handout_page_kpis": lambda: _handout_page("call_centre", "kpis"),
    "jupyter_graph": lambda: _jupyter_graph("university"),
    # repeated play: the payoff set of a prisoner's dilemma, and the flagship's collapse as it grows
    "repeated_payoff_set": lambda: _payoff_set(),
    "repeated_sweep": lambda: _repeated_sweep(),
}


def _payoff_set() -> Figure:
    from incentives.repeated.plots import plot_payoff_set

    pd = inc.Game.from_bimatrix([[3, 0], [5, 1]], [[3, 5], [0, 1]], players=("sales", "support"))
    return plot_payoff_set(inc.repeated(pd, target=(0, 0), discount=0.6), game=pd)  # type: ignore[no-any-return]


def _repeated_sweep() -> Figure:
    from incentives.whatif.plots import plot_repeated_sweep

    org = organisation("keeping_close")
    result = _quiet(inc.sweep, org, {"headcount": np.linspace(5, 120, 12)}, repeated=True, progress=False)
    return plot_repeated_sweep(result)  # type: ignore[no-any-return]


@pytest.mark.parametrize("scene", list(SCENES))
def test_every_scene_is_readable(scene: str) -> None:
    figure = SCENES[scene]()
    assert figure_problems(figure, scale=printed_scale(figure)) == []


def test_a_kpi_view_too_large_for_the_axes_given_says_so() -> None:
    """Seven layers of the hospital in a 3 x 2 inch axes cannot be read: the warning says how to draw it instead."""
    import matplotlib.pyplot as plt

    from incentives.errors import CrampedFigureWarning

    _, ax = plt.subplots(figsize=(3, 2), layout="constrained")
    with pytest.warns(CrampedFigureWarning, match=r"draw it into a figure of its own"):
        figure = graph("hospital").draw("kpis", ax=ax)
    assert tuple(figure.get_size_inches()) == (3, 2)  # the user's figure is not resized
    assert min(t.get_fontsize() for t in figure.axes[0].texts) >= MIN_FONT_SIZE  # nor its text made unreadable


#: Every public function of the package that draws, and where this file draws it.
PLOTTERS = {
    "incentives.graph.draw.draw_graph": ("graph_kpis", "graph_departments", "graph_all", "graph_in_axes_kpis"),
    "incentives.graph.graphs.DependencyGraph.draw": ("graph_in_axes_departments",),
    "incentives.graph.export.save_graph": ("cli_graph",),
    "incentives.report.graph.handout_figure": ("handout", "handout_kpis", "handout_page_departments"),
    "incentives.report.graph.graph_figure": ("handout_page_departments", "handout_page_kpis", "jupyter_graph"),
    "incentives.report.graph.graph_png": ("jupyter_graph",),
    "incentives.whatif.plots.plot_sweep": ("sweep", "sweep_tiny_weight", "sweep_mixed_inspection", "cli_sweep"),
    "incentives.whatif.plots.plot_phase_diagram": ("phase_diagram", "phase_latin_hypercube", "cli_phase_diagram"),
    "incentives.solvers.qre.QrePath.plot": ("qre", "qre_chicken", "qre_linear", "qre_log", "cli_qre"),
    "incentives.dynamics.plot.plot_dynamics": ("replicator", "fictitious_play", "logit_dynamics", "best_response"),
    "incentives.dynamics.plot.plot_simplex": ("simplex_frontline",),
    "incentives.dynamics.plot.plot_time": ("time_support", "time_frontline"),
    "incentives.repeated.plots.plot_payoff_set": ("repeated_payoff_set",),
    "incentives.whatif.plots.plot_repeated_sweep": ("repeated_sweep",),
}


def _drawing_functions() -> set[str]:
    """Public functions and methods of the package whose source makes a matplotlib figure or axes."""
    import importlib
    import inspect
    import pkgutil
    import re

    makes = re.compile(r"\bFigure\(|\.subplots\(|\bdraw_graph\(|\bplot_(sweep|phase_diagram|dynamics)\(|\.plot\(")
    found = set()
    for info in pkgutil.walk_packages(inc.__path__, "incentives."):
        if ".cli" in info.name or info.name.rsplit(".", 1)[-1].startswith("_") or info.name == "incentives.figures":
            continue
        module = importlib.import_module(info.name)
        members = [
            (n, m)
            for n, m in vars(module).items()
            if not n.startswith("_") and getattr(m, "__module__", None) == info.name
        ]
        for name, member in members:
            functions = [(name, member)] if inspect.isfunction(member) else []
            if inspect.isclass(member):
                functions += [
                    (f"{name}.{n}", f)
                    for n, f in vars(member).items()
                    if inspect.isfunction(f) and not n.startswith("_")
                ]
            for qualified, function in functions:
                if makes.search(inspect.getsource(function)):
                    found.add(f"{info.name}.{qualified}")
    return found


def test_every_plotting_function_is_drawn_here() -> None:
    kinds = {*FIGURES, *SCENES}
    assert all(set(used) <= kinds for used in PLOTTERS.values())
    assert _drawing_functions() == set(PLOTTERS)


# --- the checker fails where it should ----------------------------------------------------------------------------


def _figure(**options: Any) -> tuple[Figure, Any]:
    figure = Figure(figsize=options.pop("figsize", (4, 3)), layout="constrained")
    return figure, figure.add_subplot()


def test_the_check_passes_a_plain_figure() -> None:
    figure, ax = _figure()
    ax.plot([0, 1, 2], [1, 3, 2])
    ax.set_title("A short title")
    ax.set_xlabel("customers per deal")
    assert figure_problems(figure) == []


def test_the_check_finds_a_title_cut_at_the_edge() -> None:
    figure, ax = _figure()
    ax.set_title("Equilibria, company value and gaming against bonus.reporters.page_views and more")
    problems = figure_problems(figure)
    assert "sticks out of the figure (past the left and right edge)" in problems[0]
    assert any("tight bounding box" in p for p in problems)


def test_the_check_finds_tick_labels_that_touch() -> None:
    figure, ax = _figure(figsize=(3, 2))
    ax.plot(np.linspace(-0.002, 0.002, 9), np.arange(9))
    ax.set_xticks(np.linspace(-0.002, 0.002, 9))
    problems = figure_problems(figure)
    assert "x tick labels '−0.0020' and '−0.0015' of 'an axes' are closer than 3 pt" in problems
    assert not any(p.startswith("y tick labels") for p in problems)


def test_fitted_ticks_never_touch() -> None:
    from incentives.figures import fit_ticks

    figure, ax = _figure(figsize=(3, 2))
    ax.plot(np.linspace(-0.002, 0.002, 9), np.arange(9))
    fit_ticks(figure)
    assert figure_problems(figure) == []
    labels = [t.get_text() for t in ax.get_xticklabels() if t.get_text()]
    assert "−0.002" in labels and "−0.0020" not in labels


def test_the_check_finds_a_legend_over_the_data_and_small_fonts() -> None:
    figure, ax = _figure()
    ax.plot([0, 1], [0, 1], label="a line")
    ax.legend(loc="upper left", fontsize=6)
    problems = figure_problems(figure)
    assert any("legend (a line) lies over the axes" in p for p in problems)
    assert any("'a line' is 6.0 pt, under 8 pt" in p for p in problems)
    figure, ax = _figure()
    ax.set_title("twelve points")
    ax.set_xticks([])
    ax.set_yticks([])
    assert figure_problems(figure, scale=0.7) == []  # the 12-point title prints at 8.4 points
    assert figure_problems(figure, scale=0.6) == ["text 'twelve points' is 7.2 pt, under 8 pt"]


def test_the_check_finds_texts_that_overlap() -> None:
    figure, ax = _figure()
    ax.text(0.5, 0.5, "sales", fontsize=MIN_FONT_SIZE + 2)
    ax.text(0.52, 0.5, "support", fontsize=MIN_FONT_SIZE + 2)
    assert any("overlap" in p for p in figure_problems(figure))
    assert not any("overlap" in p for p in figure_problems(figure, overlapping=False))


def main(folder: str, pattern: str = "*") -> None:
    """Write every figure as ``FOLDER/MODEL.KIND.png`` (scenes as ``scene.NAME.png``), and print the problems found.

    ``PATTERN`` (a glob over those names without ``.png``) draws only some.
    """
    import fnmatch

    import matplotlib.pyplot as plt

    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    drawings = {
        f"{model}.{kind}": functools.partial(draw, model)
        for model in EXAMPLES + CLASSICS
        for kind, draw in FIGURES.items()
    }
    drawings.update({f"scene.{scene}": make for scene, make in SCENES.items()})
    for name, make in drawings.items():
        if not fnmatch.fnmatch(name, pattern):
            continue
        figure = make()
        save_figure(figure, out / f"{name}.png")
        kind = name.split(".")[1]
        scale = scale_of(kind, figure) if kind in FIGURES else printed_scale(figure)
        for problem in figure_problems(figure, scale=scale):
            print(f"{name}: {problem}")
        plt.close("all")


if __name__ == "__main__":
    main(*sys.argv[1:])
