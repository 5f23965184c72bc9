"""Hand-built organisations whose dependency graphs are known (worked out by hand in the tests)."""

from __future__ import annotations

import incentives as inc

EXAMPLE = "examples/growing_company.yaml"


def sales_support() -> inc.Organization:
    """Sales with three actions (more deals load support's backlog), support with two.

    Deals ``D`` in (2, 4, 6), speed ``s`` in (1, 2).  Company value
    ``V = 10 D - 2 D**2 - 3 D (3 - s) - 3 D / s`` is best at ``D = 2, s = 2`` (careful, fast).
    """
    return inc.Organization.from_dict(
        {
            "name": "Sales and support",
            "parameters": {"commission": 0.1},
            "departments": {
                "sales": {"actions": {"careful": {"deals": 2}, "pushy": {"deals": 4}, "reckless": {"deals": 6}}},
                "support": {"actions": {"thorough": {"speed": 1}, "fast": {"speed": 2}}},
            },
            "kpis": {
                "revenue": "10 * sales.deals",
                "churn": "2 * sales.deals ** 2",
                "tickets": "3 * sales.deals",
                "backlog": "tickets / support.speed",
            },
            "company_value": "revenue - churn - tickets * (3 - support.speed) - backlog",
            "bonus": {"sales": {"revenue": "commission"}, "support": {"backlog": -1}},
            "costs": {"support": {"thorough": 1}},
        }
    )


def blame_ring() -> inc.Organization:
    """Six departments, each calm (x = 0) or pushing (x = 1); pushing is never best for the company.

    Harm: a -> b -> c -> a (each push costs the next 1), e <-> f (each push costs the other 5),
    d -> a (costs 1) while a -> d helps (+1): only two loops, (e, f) the more harmful.
    """
    names = "abcdef"
    return inc.Organization.from_dict(
        {
            "name": "Blame ring",
            "departments": {n: {"actions": {"calm": {"x": 0}, "push": {"x": 1}}} for n in names},
            "kpis": {
                "ka": "a.x - c.x - d.x",
                "kb": "b.x - a.x",
                "kc": "c.x - b.x",
                "kd": "d.x + a.x",
                "ke": "e.x - 5 * f.x",
                "kf": "f.x - 5 * e.x",
            },
            "company_value": " - ".join(["0"] + [f"{n}.x" for n in names]),
            "bonus": {n: {f"k{n}": 1} for n in names},
        }
    )
