"""Running a notebook from top to bottom in a new kernel, as the notebook tests do.

The client reads the kernel's replies with short polls.  One long poll of a channel
(jupyter_client's ``get_msg(timeout=...)`` on pyzmq's asyncio poller) can miss a reply
that has already arrived and wake only when its timeout ends; nbclient reports it as
issue 312 (jupyter/nbclient), with widgets.  In the full suite it held the workshop
notebook, whose sliders are widgets, for the whole cell timeout (300 s) about once a
run, and the test then passed.  A poll that ends looks at the socket once more, so
polling for a second at a time finds such a reply within a second.
"""

from __future__ import annotations

import time
from pathlib import Path
from queue import Empty
from typing import Any

import nbformat
from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.channels import AsyncZMQSocketChannel
from jupyter_client.manager import AsyncKernelManager
from nbclient import NotebookClient
from traitlets import Type, default

__all__ = ["POLL_SECONDS", "execute"]

#: The longest single poll of a channel.
POLL_SECONDS = 1.0

#: The longest a cell may run.
CELL_SECONDS = 300


class _PolledChannel(AsyncZMQSocketChannel):
    """A channel whose ``get_msg`` waits in polls of at most :data:`POLL_SECONDS`."""

    async def get_msg(self, timeout: float | None = None) -> dict[str, Any]:
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            left = POLL_SECONDS if deadline is None else max(0.0, deadline - time.monotonic())
            try:
                return await super().get_msg(timeout=min(POLL_SECONDS, left))
            except Empty:
                if deadline is not None and time.monotonic() >= deadline:
                    raise


class _PolledClient(AsyncKernelClient):
    shell_channel_class = Type(_PolledChannel)
    iopub_channel_class = Type(_PolledChannel)
    control_channel_class = Type(_PolledChannel)


class _PolledKernelManager(AsyncKernelManager):
    @default("client_factory")
    def _polled_client(self) -> type[AsyncKernelClient]:
        return _PolledClient


def execute(path: Path, notebook: nbformat.NotebookNode | None = None) -> nbformat.NotebookNode:
    """Run ``notebook`` (read from ``path`` if not given) in a new ``python3`` kernel started in its folder.

    Returns the notebook with its outputs; a cell that raises, or runs longer than
    :data:`CELL_SECONDS`, raises here.
    """
    if notebook is None:
        notebook = nbformat.read(path, as_version=4)
    NotebookClient(
        notebook,
        timeout=CELL_SECONDS,
        kernel_name="python3",
        kernel_manager_class=_PolledKernelManager,
        resources={"metadata": {"path": str(path.parent)}},
    ).execute()
    return notebook
