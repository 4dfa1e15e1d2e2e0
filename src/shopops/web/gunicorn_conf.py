"""gunicorn hooks that `shopops serve` loads (`-c python:shopops.web.gunicorn_conf`).

The sizes, timeouts and address are `serve`'s command-line options; see
docs/operations.md.
"""

from __future__ import annotations

import signal
from typing import Any


def post_fork(server: Any, worker: Any) -> None:
    """Let a worker still starting up stop at once on SIGTERM, SIGINT or SIGQUIT.

    A new worker inherits the master's handlers, which only queue the signal for the
    master's loop — a loop the worker never runs — until it installs its own once Django
    is loaded. Without this, a stop that comes while a worker boots is lost on it, and
    the master waits the whole graceful timeout before killing it. A worker that has
    not loaded the application yet has no request to finish.
    """
    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGQUIT):
        signal.signal(signum, signal.SIG_DFL)
