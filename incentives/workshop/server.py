"""Serve the workshop: listen on an address, say where, warn when the room's network can reach it, open a browser."""

from __future__ import annotations

import socket
import threading
import warnings
import webbrowser
from collections.abc import Callable

from ..errors import DegenerateGameWarning, IncompleteSearchWarning, OutputError
from .engine import ModelText

__all__ = ["LOCAL_HOSTS", "is_local", "listen", "serve", "sharing_warning"]

#: Host names that only this computer can reach.
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")

#: Host names a page served on this computer answers to (the guard against DNS rebinding).
LOCAL_NAMES = ("127.0.0.1", "localhost", "::1", "[::1]")


def is_local(host: str) -> bool:
    """Whether ``host`` is reachable from this computer only.

    Examples
    --------
    >>> is_local("127.0.0.1"), is_local("localhost"), is_local("0.0.0.0"), is_local("192.168.1.20")
    (True, True, False, False)
    """
    return host in LOCAL_HOSTS or host.startswith("127.")


def sharing_warning(host: str, port: int) -> str:
    """What the facilitator is told when the workshop listens beyond this computer."""
    where = "every network this computer is on" if host in ("0.0.0.0", "::", "") else f"the network of {host}"
    return (
        f"warning: the workshop listens on {host}:{port}, so anyone on {where} can open it. Each browser tab "
        "has its own copy of the model (nobody can change another's), but anyone can read the model and run "
        "analyses on this computer. Share it only on a network you trust, and stop it (Ctrl+C) after the workshop."
    )


def listen(host: str, port: int) -> socket.socket:
    """A listening socket on ``host:port`` (port 0: any free port).

    Raises
    ------
    OutputError
        If the address cannot be used (taken by another program, or not an address of this computer).
    """
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
        sock = socket.socket(family, kind, proto)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(128)
    except OSError as err:
        raise OutputError(f"cannot listen on {host}:{port}: {err.strerror or err}") from err
    return sock


def _url(host: str, port: int) -> str:
    shown = "localhost" if is_local(host) else ("127.0.0.1" if host in ("0.0.0.0", "::", "") else host)
    shown = f"[{shown}]" if ":" in shown else shown
    return f"http://{shown}:{port}/"


def serve(
    model: ModelText,
    *,
    host: str = "127.0.0.1",
    port: int = 8765,
    open_browser: bool = True,
    method: str = "all",
    max_seconds: float = 30.0,
    say: Callable[[str], None] = print,
    warn: Callable[[str], None] = print,
) -> None:
    """Serve the workshop on ``host:port`` until interrupted (Ctrl+C).

    Parameters
    ----------
    model : ModelText
    host : str
        The address to listen on: ``127.0.0.1`` (this computer only, the default) or, to share the
        page in a room, this computer's address on the room's network (``0.0.0.0``: every address).
    port : int
        The port (0: any free port).
    open_browser : bool
        Open the page in the default browser.
    method, max_seconds
        As for :func:`incentives.analyze`.
    say, warn : callable
        Where to print where the page is, and the warning when it is shared.

    Raises
    ------
    OutputError
        If the address cannot be used.
    """
    import uvicorn

    from .app import create_app

    sock = listen(host, port)
    port = sock.getsockname()[1]
    local = is_local(host)
    app = create_app(model, method=method, max_seconds=max_seconds, allowed_hosts=LOCAL_NAMES if local else None)
    if not local:
        warn(sharing_warning(host, port))
    url = _url(host, port)
    say(f"The workshop on {model.source} is at {url}  (Ctrl+C stops it)")
    warnings.simplefilter("ignore", DegenerateGameWarning)  # the reports say so in words
    warnings.simplefilter("ignore", IncompleteSearchWarning)
    if open_browser:
        threading.Timer(0.8, webbrowser.open, args=(url,)).start()
    config = uvicorn.Config(app, log_level="warning", access_log=False, timeout_graceful_shutdown=2)
    try:
        uvicorn.Server(config).run(sockets=[sock])
    finally:
        sock.close()
