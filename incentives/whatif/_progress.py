"""The sweep's progress bar: a :mod:`rich.progress` bar on standard error, shown only on long runs.

With ``progress=None`` the bar appears once a run has taken :data:`DELAY_SECONDS`
and only when standard error is a terminal; ``progress=True`` shows it from the
start wherever standard error goes (a file or a pipe gets the final state once,
at the end), and ``progress=False`` never shows it.
"""

from __future__ import annotations

import sys
import time

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

__all__ = ["DELAY_SECONDS", "ProgressBar", "progress_bar"]

#: Seconds a run takes before the bar appears, unless ``progress=True``.
DELAY_SECONDS = 1.0


class ProgressBar:
    """Points done out of ``total``, drawn by rich once ``delay`` seconds have passed (never when ``show`` is False).

    Examples
    --------
    >>> bar = ProgressBar(total=3, show=False, delay=0.0)
    >>> bar.update(2)
    >>> bar.done, bar.shown
    (2, False)
    >>> bar.update_to(1), bar.done
    (None, 2)
    >>> bar.close()
    """

    def __init__(self, *, total: int, show: bool, delay: float) -> None:
        self.total = total
        self.show = show
        self.delay = delay
        self.done = 0
        self._started = time.perf_counter()
        self._progress: Progress | None = None
        if show and delay <= 0:
            self._start()

    @property
    def shown(self) -> bool:
        """Whether the bar is on screen."""
        return self._progress is not None

    def update(self, n: int) -> None:
        """Count ``n`` more points done."""
        self.update_to(self.done + n)

    def update_to(self, done: int) -> None:
        """Show ``done`` points done (a count below the one shown changes nothing)."""
        self.done = max(self.done, done)
        if self._progress is None and self.show and time.perf_counter() - self._started >= self.delay:
            self._start()
        if self._progress is not None:
            self._progress.update(self._progress.task_ids[0], completed=self.done, refresh=True)

    def close(self) -> None:
        """Leave the final state on screen and stop drawing."""
        if self._progress is not None:
            self._progress.stop()

    def _start(self) -> None:
        # no refresh thread (auto_refresh=False): the sweep may fork worker processes while the bar is drawn
        self._progress = Progress(
            TextColumn("sweep"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("points"),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            console=Console(file=sys.stderr),
            auto_refresh=False,
        )
        self._progress.add_task("sweep", total=self.total, completed=self.done)
        self._progress.start()


def progress_bar(total: int, progress: bool | None) -> ProgressBar:
    """The bar for a sweep of ``total`` points; ``progress`` as in :func:`~incentives.whatif.sweep`."""
    show = sys.stderr.isatty() if progress is None else bool(progress)
    return ProgressBar(total=total, show=show, delay=0.0 if progress else DELAY_SECONDS)
