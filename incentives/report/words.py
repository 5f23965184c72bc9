"""Plain words for the reports: the sentences, titles and column names every format shares.

Each function takes a result object (or one of its parts) and returns plain text,
with no markup.  The terminal report (:mod:`incentives.report.text`), Markdown
(:mod:`incentives.report.markdown`) and HTML (:mod:`incentives.report.html`)
all say the same things by calling these functions; each format adds only its
own markup and escaping.  Model names are used as the model spells them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from ..analysis.gaming import COST_TERM, Analysis, Departure, EquilibriumGaming
from ..analysis.perspectives import Perspective, Perspectives
from ..equilibrium import format_number
from ..solvers import SolveResult

__all__ = [
    "ALIGNMENT_COLUMNS",
    "ALIGNMENT_TITLE",
    "ALL_IN_JSON",
    "BURDEN_COLUMNS",
    "BURDEN_NOTE",
    "BURDEN_TITLE",
    "DEGENERATE",
    "DEPARTURE_COLUMNS",
    "DEPARTURE_NOTE",
    "DEPARTURE_TITLE",
    "DETAILED_EQUILIBRIA",
    "EQUILIBRIA_NOTE",
    "EQUILIBRIA_TITLE",
    "KPI_COLUMNS",
    "KPI_TITLE",
    "LISTED_COMPONENTS",
    "LISTED_EQUILIBRIA",
    "LISTED_IN_CELL",
    "LISTED_TIES",
    "NO_EQUILIBRIUM",
    "NO_GAMING",
    "NO_GAMING_TO_COMPARE",
    "VIEW_COLUMNS",
    "VIEW_NOTE",
    "VIEW_TITLE",
    "departure_sentence",
    "detail_limit_sentence",
    "driver_texts",
    "equilibrium_sentence",
    "event_sentence",
    "gaming_score_sentence",
    "join_words",
    "listed_limit_sentence",
    "movement_sentence",
    "note_sentence",
    "number",
    "optimum_sentence",
    "optimum_ties_sentence",
    "price_sentences",
    "regret",
    "rejected_sentence",
    "selection_sentence",
    "signed",
    "status_sentence",
    "strategy",
    "value_range_sentences",
    "view_sentence",
    "why_it_pays",
]

#: How many equilibria a report shows in its table, how many it explains one by one, and how many
#: profiles tying for the optimum it names: past these a reader learns nothing more, and a game with
#: thousands of them would print for minutes.  The JSON report always holds them all.
LISTED_EQUILIBRIA = 100
DETAILED_EQUILIBRIA = 20
LISTED_TIES = 10
#: Equilibria named in one cell of a sweep's table (the table of points holds them all).
LISTED_IN_CELL = 5
#: Sets of equilibria described one by one in a report.
LISTED_COMPONENTS = 20
ALL_IN_JSON = "the JSON report, --format json, lists them all"

EQUILIBRIA_TITLE = "Equilibria"
EQUILIBRIA_NOTE = (
    "payoff: what each player gets at the equilibrium (for a department, its bonus minus the cost of its "
    "action; expected values for mixed play); regret: the most any player could gain by changing its own action "
    "alone (0 at an exact equilibrium)."
)
DEPARTURE_TITLE = "Who departs from the company optimum"
DEPARTURE_COLUMNS = ("department", "plays", "instead of", "own bonus gain", "company cost", "what makes it pay")
DEPARTURE_NOTE = (
    "own bonus gain: what the department's pay gains by playing as it does rather than its optimal action, "
    "the others playing as they do; company cost: the company value that switch costs; what makes it pay: "
    "the terms of its bonus plan that gain, largest first."
)
BURDEN_TITLE = "Who pays (equilibrium minus optimum)"
BURDEN_COLUMNS = ("department", "change")
BURDEN_NOTE = "A negative change means the department (or the company) is worse off than at the company optimum."
ALIGNMENT_TITLE = "KPI alignment: does paying on the KPI pull the same way as company value?"
ALIGNMENT_COLUMNS = ("department", "KPI", "verdict", "evidence")
VIEW_TITLE = "Win or loss, seen from each department and from the company"
VIEW_COLUMNS = ("", "before", "immediately after", "after reacting", "change", "verdict")
VIEW_NOTE = (
    "before: payoff (for the company, company value) at the compared equilibrium before the event; "
    "immediately after: the same actions once the event has happened; after reacting: at the compared "
    "equilibrium once every department has re-optimised; change: after reacting minus before."
)
KPI_TITLE = "KPIs at the compared equilibria"
KPI_COLUMNS = ("KPI", "before", "after", "change")

DEGENERATE = "The game is degenerate: equilibria may form connected sets; their extreme points are listed."
NO_EQUILIBRIUM = "No equilibrium was found by this method."
NO_GAMING = "Every department plays what is best for the company: no gaming here."
NO_GAMING_TO_COMPARE = "No equilibrium found, so there is nothing to compare with the optimum."


def number(value: Any) -> str:
    """A number as the reports show it: ``2/3`` for fractions, floats to three decimals.

    Examples
    --------
    >>> from fractions import Fraction
    >>> number(Fraction(2, 3)), number(153.6000000001)
    ('2/3', '153.6')
    """
    return format_number(value)


def signed(value: Any) -> str:
    """A change, with its sign: ``+3``, ``-0.727``, ``0``.

    Examples
    --------
    >>> signed(3), signed(-0.7271), signed(0.0)
    ('+3', '-0.727', '0')
    """
    text = format_number(value)
    return text if text.startswith("-") or text == "0" else f"+{text}"


def join_words(words: Sequence[str]) -> str:
    """``"a"``, ``"a and b"``, ``"a, b and c"``.

    Examples
    --------
    >>> join_words(["sales"]), join_words(["sales", "support", "operations"])
    ('sales', 'sales, support and operations')
    """
    words = list(words)
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def strategy(actions: Iterable[str], probabilities: Iterable[Any]) -> str:
    """What a player plays: its action, or its mixture ``"2/3 opera + 1/3 football"``.

    Examples
    --------
    >>> from fractions import Fraction
    >>> strategy(["opera", "football"], [Fraction(2, 3), Fraction(1, 3)])
    '2/3 opera + 1/3 football'
    >>> strategy(["opera", "football"], [0, 1])
    'football'
    """
    played = [(a, p) for a, p in zip(actions, probabilities, strict=True) if p > 0]
    if len(played) == 1:
        return played[0][0]
    return " + ".join(f"{number(p)} {a}" for a, p in played)


def status_sentence(result: SolveResult) -> str:
    """How the equilibria were found, and how many."""
    game = result.game
    arithmetic = "exact fractions" if game.is_exact else f"floating point, regret tolerance {result.tolerance:.3g}"
    count = len(result.equilibria)
    return (
        f"Method: {result.method} ({arithmetic}); status: {result.status}; "
        f"{count} equilibri{'um' if count == 1 else 'a'} found."
    )


def regret(value: Any) -> str:
    """A regret to two significant figures: ``0``, ``1.2e-10``.

    Examples
    --------
    >>> regret(0), regret(1.234e-10)
    ('0', '1.2e-10')
    """
    return f"{float(value):.2g}"


def note_sentence(note: str) -> str:
    """A solver's remark."""
    return f"Note: {note}"


def component_sentences(result: SolveResult) -> list[str]:
    """One sentence per set of equilibria that is not a single point (the first :data:`LISTED_COMPONENTS`)."""
    game = result.game
    out = []
    for k, component in enumerate(result.components[:LISTED_COMPONENTS], start=1):
        played = "; ".join(
            f"{player} {'mixes' if len(support) > 1 else 'plays'} {', '.join(game.actions[i][a] for a in support)}"
            for i, (player, support) in enumerate(zip(game.players, component.support, strict=True))
        )
        size = f" of dimension {component.dimension}" if component.dimension is not None else ""
        out.append(f"Set of equilibria {k}{size} ({played}): {component.note}.")
    more = len(result.components) - LISTED_COMPONENTS
    if more > 0:
        out.append(f"And {more:,} more sets of equilibria; {ALL_IN_JSON}.")
    return out


def rejected_sentence(result: SolveResult) -> str | None:
    """How many candidates failed the regret check (None when none did)."""
    if not result.rejected:
        return None
    count = len(result.rejected)
    return (
        f"{count} candidate{'s' if count != 1 else ''} failed the regret check and "
        f"{'are not equilibria' if count != 1 else 'is not an equilibrium'}."
    )


def optimum_sentence(analysis: Analysis) -> str:
    """The profile best for the company, and its value."""
    opt = analysis.optimum
    return f"Company optimum: {analysis.game.profile_label(opt.profile)} (company value {number(opt.value)})."


def listed_limit_sentence(count: int) -> str | None:
    """Says that the equilibria table shows the first :data:`LISTED_EQUILIBRIA` of ``count`` (None if it shows all)."""
    if count <= LISTED_EQUILIBRIA:
        return None
    return f"The table shows the first {LISTED_EQUILIBRIA} of {count:,} equilibria; {ALL_IN_JSON}."


def detail_limit_sentence(count: int) -> str | None:
    """Says that only the first :data:`DETAILED_EQUILIBRIA` of ``count`` equilibria are explained (None if all are)."""
    if count <= DETAILED_EQUILIBRIA:
        return None
    return (
        f"Equilibria {DETAILED_EQUILIBRIA + 1} to {count:,} are not explained one by one here; "
        f"{ALL_IN_JSON} with their departures and who pays."
    )


def optimum_ties_sentence(analysis: Analysis) -> str | None:
    """Other profiles that are just as good for the company (None when there are none).

    At most :data:`LISTED_TIES` of them are named; the JSON report lists them all.
    """
    game, opt = analysis.game, analysis.optimum
    ties = len(opt.profiles) - 1
    if ties < 1:
        return None
    named = "; ".join(game.profile_label(p) for p in opt.profiles[1 : LISTED_TIES + 1])
    if ties > LISTED_TIES:
        named += f"; and {ties - LISTED_TIES:,} more ({ALL_IN_JSON})"
    return f"{ties:,} other profile(s) tie for the optimum: {named}"


def equilibrium_sentence(item: EquilibriumGaming) -> str:
    """Company value at an equilibrium, against the optimum."""
    return (
        f"At equilibrium [{item.label}] company value is {number(item.company_value)}, "
        f"{number(item.value_gap)} below the optimum."
    )


def driver_texts(dep: Departure) -> list[str]:
    """The terms that make a departure pay, largest first: ``["new_customers (+3)"]``."""
    return [f"{k} ({signed(dep.drivers[k])})" for k in dep.main_drivers]


def why_it_pays(dep: Departure) -> str:
    """Why a departure pays the department: ``"it is paid on new_customers"``."""
    kpis = [k for k in dep.main_drivers if k != COST_TERM]
    parts = []
    if kpis:
        parts.append("it is paid on " + join_words(kpis))
    if COST_TERM in dep.main_drivers:
        parts.append(f"it saves {number(dep.drivers[COST_TERM])} of effort")
    return " and ".join(parts) or "nothing in its bonus plan (it is indifferent)"


def departure_sentence(dep: Departure) -> str:
    """One department's departure from the optimum in plain words: gaming, or a response to the others."""
    if dep.games:
        hurt = [f"{p} loses {number(-v)}" for p, v in dep.effects.items() if v < 0]
        hurt_text = f"; {join_words(hurt)}" if hurt else ""
        return (
            f"{dep.department} plays {dep.plays} instead of {dep.optimum_action} because "
            f"{why_it_pays(dep)}: its bonus gains {number(dep.own_gain)}, the company loses "
            f"{number(dep.company_cost)}{hurt_text}."
        )
    if dep.whatever_others_do:
        return (
            f"{dep.department} plays {dep.plays} instead of {dep.optimum_action} whatever the others do, because "
            f"{why_it_pays(dep)}; with the others playing as they do it does not cost the company (switching "
            f"alone would change company value by {signed(dep.company_cost)}), so it is not counted as gaming here."
        )
    return (
        f"{dep.department} plays {dep.plays} instead of {dep.optimum_action}, but with the "
        f"others playing as they do, switching alone would change company value by "
        f"{signed(dep.company_cost)}: this is not gaming but a response to what the others do."
    )


def price_sentences(analysis: Analysis) -> list[str]:
    """The price of anarchy and of stability (the optimum over the worst/best equilibrium's value), in words.

    Each is said to be undefined, and why, when the equilibrium's company value is not positive.

    Examples
    --------
    >>> import incentives as inc
    >>> report = inc.analyze(inc.load_model("examples/growing_company.yaml"))
    >>> print(price_sentences(report)[0])  # doctest: +NORMALIZE_WHITESPACE
    Price of anarchy 2.804: the company optimum (430.72) is worth 2.804 times the company value
    at the worst equilibrium (153.6).
    """
    if not analysis.equilibria:
        return [NO_GAMING_TO_COMPARE]
    worst, best = analysis.worst, analysis.best
    assert worst is not None and best is not None
    optimum = number(analysis.optimum.value)
    lines = [_price_sentence("anarchy", analysis.price_of_anarchy, optimum, "worst", worst.company_value)]
    if len(analysis.equilibria) > 1:
        lines.append(_price_sentence("stability", analysis.price_of_stability, optimum, "best", best.company_value))
    else:
        lines.append("There is one equilibrium, so the price of stability equals the price of anarchy.")
    return lines


def _price_sentence(kind: str, price: Any, optimum: str, which: str, value: Any) -> str:
    if price is None:
        return (
            f"Price of {kind} undefined: it is the company optimum divided by the company value at the {which} "
            f"equilibrium, and that value ({number(value)}) is not positive."
        )
    if price == 1:
        return f"Price of {kind} 1: the {which} equilibrium reaches the company optimum ({optimum})."
    return (
        f"Price of {kind} {number(price)}: the company optimum ({optimum}) is worth {number(price)} times the "
        f"company value at the {which} equilibrium ({number(value)})."
    )


def value_range_sentences(analysis: Analysis) -> list[str]:
    """The share of the company's value range lost at the worst (and best) equilibrium, in words.

    Examples
    --------
    >>> import incentives as inc
    >>> report = inc.analyze(inc.load_model("examples/growing_company.yaml"))
    >>> print(value_range_sentences(report)[0])  # doctest: +NORMALIZE_WHITESPACE
    Share of the value range lost 0.724: at the worst equilibrium the company loses 277.12 of value,
    72.4% of the gap between its best and worst possible outcome (430.72 to 48).
    """
    if not analysis.equilibria:
        return []  # price_sentences says there is nothing to compare
    worst, best = analysis.worst, analysis.best
    assert worst is not None and best is not None
    lost_worst, lost_best = analysis.value_range_lost_worst, analysis.value_range_lost_best
    assert lost_worst is not None and lost_best is not None
    lines = [
        f"Share of the value range lost {number(lost_worst)}: at the worst equilibrium the company loses "
        f"{number(worst.value_gap)} of value, {float(lost_worst):.1%} of the gap between its best and "
        f"worst possible outcome ({number(analysis.optimum.value)} to {number(analysis.min_value)})."
    ]
    if len(analysis.equilibria) > 1 and lost_best == 0:
        lines.append("At the best equilibrium the company loses nothing: the share of the value range lost is 0.")
    elif len(analysis.equilibria) > 1:
        lines.append(
            f"At the best equilibrium the company loses {number(best.value_gap)}, a share of the value range "
            f"lost of {number(lost_best)} ({float(lost_best):.1%})."
        )
    return lines


def gaming_score_sentence(analysis: Analysis) -> str | None:
    """Each department's gaming score, with what it means (None when there are no scores)."""
    if not analysis.gaming_scores:
        return None
    scores = ", ".join(f"{d} {s:.3f}" for d, s in analysis.gaming_scores.items())
    return (
        f"Gaming score (share of the company's value range each department's own departure costs "
        f"at the worst equilibrium): {scores}."
    )


def event_sentence(views: Perspectives) -> str:
    """The event and its parameter changes."""
    changes = ", ".join(f"{k} = {number(v)}" for k, v in views.changes.items())
    return f"Event {views.event}: {changes}"


def movement_sentence(views: Perspectives) -> str:
    """Whether departments change what they play after the event."""
    before, after = views.before_equilibrium.label, views.after_equilibrium.label
    if before == after:
        return f"Departments keep playing {before}."
    return f"Departments move from {before} to {after}."


def selection_sentence(views: Perspectives) -> str | None:
    """Which equilibrium is compared when there are several (None when there is one before and after)."""
    if len(views.before.equilibria) > 1 or len(views.after.equilibria) > 1:
        return f"There are several equilibria; the {views.selection} one for the company is compared."
    return None


def view_sentence(event: str, view: Perspective) -> str:
    """The event from one party's side: ``"For sales, big_contract is a win of 14."``."""
    if view.verdict == "no change":
        return f"For {view.party}, {event} changes nothing."
    return f"For {view.party}, {event} is a {view.verdict} of {number(abs(view.change))}."
