"""`shopops serve`: the web server with the job scheduler (Huey) running beside it."""

import signal
import subprocess
import sys
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve the pages and the API, with the Huey consumer running beside them."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", default="8000")
        parser.add_argument(
            "--no-jobs", action="store_true", help="do not start the job scheduler"
        )

    def handle(
        self, *args: Any, host: str, port: str, no_jobs: bool, **options: Any
    ) -> None:
        # Stop the scheduler with the server, whether by Ctrl-C or by SIGTERM.
        signal.signal(signal.SIGTERM, _raise_exit)
        consumer = None
        if not no_jobs:
            consumer = subprocess.Popen(  # noqa: S603 - our own interpreter and command
                [sys.executable, "-m", "shopops.cli", "run_huey", "--quiet"]
            )
            self.stdout.write(f"job scheduler running (pid {consumer.pid})")
        try:
            call_command("runserver", f"{host}:{port}", use_reloader=False)
        finally:
            if consumer is not None:
                consumer.terminate()
                consumer.wait(timeout=10)


def _raise_exit(signum: int, frame: object) -> None:
    raise SystemExit(0)
