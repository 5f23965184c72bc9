"""The ``incentives`` command line: solve games and analyse organisations from files.

Every subcommand reads a model file (YAML or JSON; ``solve`` and ``qre`` also read
Gambit ``.nfg`` games) and prints its report as text, or with ``--format markdown``,
``html`` or ``json`` as Markdown, a self-contained HTML page or JSON for programs
(the ``handout`` is HTML unless told otherwise); ``--output FILE`` writes it to a file
instead, and without ``--format`` the file's suffix (``.txt``, ``.md``, ``.html``,
``.json``) chooses the format.  Pictures go to ``--plot FILE``, graph files to
``--graph-file FILE``, a sweep's table to ``--table FILE``.  Problems with the input
are printed to standard error with the file, the field and what was expected, and the
exit status is 1; a usage error exits with 2.

Each subcommand lives in its own module and is added to :func:`main` here.
"""

from __future__ import annotations

import click

from .analyze import analyze, perspectives
from .continuous import continuous
from .design import design
from .graph import graph
from .handout import handout
from .qre import qre
from .repeated import repeated
from .solve import solve
from .sweep import sweep
from .thresholds import thresholds
from .workshop import workshop

__all__ = ["main"]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="incentives")
@click.option("--debug", is_flag=True, help="Show the full traceback when the toolkit itself fails (a bug).")
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    """Game theory of incentives inside organisations.

    Departments are players paid on KPI bonus plans; find the equilibria they will
    play and where those depart from what is best for the company.
    """
    ctx.meta["incentives.debug"] = debug


for _command in (solve, analyze, perspectives, graph, design, sweep, thresholds, continuous, repeated, handout, qre):
    main.add_command(_command)
main.add_command(workshop)
