"""How the processes of a local sweep size the chunks they claim, each at the moment it claims one.

On local processes (:func:`incentives.whatif._parallel.run_local`) the workers claim chunks of
a sweep's points from the front and this process from the back, until they meet.  A chunk's
size is decided when it is claimed, from what is left and from the claimer's pace so far in
this sweep (seconds a point):

* where points are quick (a chunk of :attr:`Claims.smallest` points takes less than
  :data:`SHORTEST_CLAIM_SECONDS`: most points come from the batched path, microseconds each),
  a chunk's fixed cost (about 1.4 ms on the bundled company) matters most, so chunks are few:
  the workers' share (up to :attr:`Claims.middle`) and this process's are each cut into
  chunks that shrink towards the meeting point, three quarters of what is left to a side each
  time and at least :attr:`Claims.smallest` points; a side done with its share helps with the
  other's;
* where points are slow (each solved on its own, milliseconds a point), balance matters most:
  a chunk is a share of what is left, ``1 / (2 * processes)`` of it, wherever it lies, and at
  least :data:`SHORTEST_CLAIM_SECONDS` of work, so the last chunks are a few points and no
  process waits long for the others, even where one goes slower.

A claimer's first chunk, before it knows its pace (unless the sweep measured it first,
:attr:`Claims.pace`), is cut as where points are quick, without taking all of its side's
share unless that is at most :attr:`Claims.smallest` points.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

__all__ = ["SHORTEST_CLAIM_SECONDS", "Claims", "slow_pace"]

#: The time, at the claimer's pace so far, of the shortest chunk it claims near the meeting point (when that is
#: fewer points than :attr:`Claims.smallest`).  On the bundled company, where each point was solved on its own
#: (about 1.5 ms a point), chunks of at least a thousand points left one process idle for 2.1 s of a 9.5-s sweep.
SHORTEST_CLAIM_SECONDS = 0.02


def slow_pace(pace: float | None, smallest: int) -> bool:
    """Whether points at ``pace`` seconds each are slow: fewer than ``smallest`` take :data:`SHORTEST_CLAIM_SECONDS`.

    Examples
    --------
    >>> slow_pace(0.0015, 1024), slow_pace(2e-6, 1024), slow_pace(None, 1024)
    (True, False, False)
    """
    return pace is not None and pace > 0 and math.ceil(SHORTEST_CLAIM_SECONDS / pace) < smallest


@dataclass(frozen=True)
class Claims:
    """How large a chunk a process claims, given where the front and back claims stand.

    Attributes
    ----------
    middle : int
        Where the workers' share (from the front) ends and this process's (from the back) begins.
    workers : int
        How many processes claim from the front.
    largest : int
        The most points in a chunk.
    smallest : int
        The fewest points in a chunk (unless fewer are left, or the claimer's pace is known and
        :data:`SHORTEST_CLAIM_SECONDS` takes fewer).
    fixed : bool
        Every chunk is ``largest`` points (fewer where the claims meet): the caller's ``chunk_size``.
    pace : float or None
        Seconds a point, measured before the sweep (points run first and timed), used by a
        claimer until it has measured its own.

    Examples
    --------
    Before a pace is measured, or where points are quick, a 10,000-point sweep on two processes
    is cut in four chunks; where a point takes 1.5 ms, into shares of what is left:

    >>> claims = Claims(middle=4500, workers=1, largest=4000, smallest=1024)
    >>> claims.size(0, 10_000, at_front=False, seconds_per_point=None)  # this process's first chunk
    4000
    >>> claims.size(0, 6000, at_front=True, seconds_per_point=None)  # the worker's first
    3375
    >>> claims.size(3375, 6000, at_front=False, seconds_per_point=1.4e-6)  # the rest of this process's share
    1500
    >>> claims.size(3375, 6000, at_front=False, seconds_per_point=0.0015)  # a quarter of what is left
    657
    >>> claims.size(6000, 6030, at_front=False, seconds_per_point=0.0015)  # 20 ms of work at least
    14
    """

    middle: int
    workers: int
    largest: int
    smallest: int
    fixed: bool = False
    pace: float | None = None

    def size(self, front: int, back: int, *, at_front: bool, seconds_per_point: float | None) -> int:
        """The points of the next chunk, claimed from the front (``at_front``) or the back of ``front .. back - 1``.

        ``seconds_per_point`` is the claimer's pace in this sweep so far (None before its first chunk).
        """
        left = back - front
        if self.fixed:
            return min(self.largest, left)
        pace = self.pace if seconds_per_point is None else seconds_per_point
        shortest = self.smallest
        if pace is not None and slow_pace(pace, self.smallest):  # slow: a share of what is left, on either side
            shortest = math.ceil(SHORTEST_CLAIM_SECONDS / pace)
            share, part = left, math.ceil(left / (2 * (self.workers + 1)))
        else:
            share, claimers = (self.middle - front, self.workers) if at_front else (back - self.middle, 1)
            if share <= 0:  # this side's share is claimed: help with the other side's
                share, claimers = left, self.workers + 1
            share = min(share, left)
            part = math.ceil(3 * share / (4 * claimers))
        size = min(share, self.largest, max(shortest, part))
        if share - size < shortest / 2 and share <= self.largest and (pace is not None or share <= shortest):
            size = share  # no chunk of a few points at the end (each has a fixed cost), unless points may be slow
        return size
