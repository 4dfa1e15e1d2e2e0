"""`shopops serve`: gunicorn with the job scheduler (Huey) running beside it.

`--dev` runs Django's auto-reloading development server instead. Either way the Huey
consumer is a child process, and SIGINT or SIGTERM stops both cleanly: gunicorn
finishes the requests it is serving (up to 20 s), the consumer the task it is running
(up to 30 s), then `serve` exits 0. If one of them stops by itself, `serve` stops the
other and exits 1.
"""

from __future__ import annotations

import http.client
import os
import signal
import subprocess
import sys
import time
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

THREADS = 4
MB_PER_WORKER = 256
GRACEFUL_TIMEOUT = 20
JOBS_GRACE = 30


def machine_size(
    cpus: int | None = None, memory_mb: int | None = None
) -> tuple[int, int]:
    """Return (workers, threads) for this machine.

    workers = 2 × CPUs + 1 (gunicorn's rule: one worker on the CPU while another waits
    on the database), at most one per 256 MB of memory and at least 2; 4 threads each,
    so that a worker waiting on the database or on SQLite's write lock still answers.
    """
    if cpus is None:
        cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 0
        cpus = cpus or os.cpu_count() or 1
    if memory_mb is None:
        try:
            pages = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
            memory_mb = pages // 2**20
        except (ValueError, OSError, AttributeError):
            memory_mb = 2048
    return max(2, min(2 * cpus + 1, memory_mb // MB_PER_WORKER)), THREADS


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise CommandError(f"expected a whole number ≥ 1, got {text!r}")
    return value


class Command(BaseCommand):
    help = (
        "Serve the pages and the API with gunicorn (or, with --dev, Django's "
        "reloading server), with the Huey consumer running beside them."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", default="8000")
        parser.add_argument(
            "--no-jobs", action="store_true", help="do not start the job scheduler"
        )
        parser.add_argument(
            "--dev",
            action="store_true",
            help="Django's development server, reloading on code changes",
        )
        parser.add_argument(
            "--workers",
            default=os.environ.get("WEB_CONCURRENCY", ""),
            help="gunicorn worker processes (default: WEB_CONCURRENCY, else "
            "2 × CPUs + 1, at most one per 256 MB, at least 2)",
        )
        parser.add_argument(
            "--threads", default="", help=f"threads per worker (default {THREADS})"
        )
        parser.add_argument(
            "--access-log", action="store_true", help="log every request to stdout"
        )

    def handle(
        self,
        *args: Any,
        host: str,
        port: str,
        no_jobs: bool,
        dev: bool,
        workers: str,
        threads: str,
        access_log: bool,
        **options: Any,
    ) -> None:
        number = _positive(port)
        if number > 65535:
            raise CommandError(f"--port must be 1–65535, got {port}")
        if dev:
            self._dev(host, number, jobs=not no_jobs)
            return
        sized_workers, sized_threads = machine_size()
        size = (
            _positive(workers) if workers else sized_workers,
            _positive(threads) if threads else sized_threads,
        )
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "shopops.wsgi:application",
            "--config",
            "python:shopops.web.gunicorn_conf",
            "--bind",
            f"[{host}]:{number}" if ":" in host else f"{host}:{number}",
            "--workers",
            str(size[0]),
            "--threads",
            str(size[1]),
            "--worker-class",
            "gthread",
            "--timeout",
            "120",
            "--graceful-timeout",
            str(GRACEFUL_TIMEOUT),
            "--keep-alive",
            "5",
            "--backlog",
            "2048",
        ]
        if access_log:
            command += ["--access-logfile", "-"]
        self._supervise(command, host, number, size, jobs=not no_jobs)

    # --- gunicorn -----------------------------------------------------------------

    def _supervise(
        self,
        command: list[str],
        host: str,
        port: int,
        size: tuple[int, int],
        jobs: bool,
    ) -> None:
        stopping: list[int] = []
        died = None

        def stop(signum: int, frame: object) -> None:
            stopping.append(signum)

        old = {s: signal.signal(s, stop) for s in (signal.SIGINT, signal.SIGTERM)}
        # Own process groups: a terminal's Ctrl-C reaches `serve` only, which stops
        # the children in order instead of each on its own.
        web = subprocess.Popen(command, process_group=0)  # noqa: S603 - our argv
        children = {"web server": web}
        if jobs:
            children["job scheduler"] = _start_consumer()
        try:
            if _wait_listening(host, port, web, stopping):
                self.stdout.write(
                    f"Serving http://{_shown(host)}:{port}/ with gunicorn "
                    f"({size[0]} workers × {size[1]} threads)"
                    + (
                        f", job scheduler pid {children['job scheduler'].pid}"
                        if jobs
                        else ""
                    ),
                )
                self.stdout.flush()
            while not stopping and died is None:
                died = next(
                    (name for name, p in children.items() if p.poll() is not None),
                    None,
                )
                time.sleep(0.2)
        finally:
            _stop(web, signal.SIGTERM, GRACEFUL_TIMEOUT + 5)
            if "job scheduler" in children:
                _stop(children["job scheduler"], signal.SIGINT, JOBS_GRACE)
            for s, handler in old.items():
                signal.signal(s, handler)
        if died is not None:
            code = children[died].returncode
            raise CommandError(f"the {died} stopped by itself (exit code {code})")

    # --- Django's development server ------------------------------------------------

    def _dev(self, host: str, port: int, jobs: bool) -> None:
        # The reloader runs this command again in a child process (RUN_MAIN=true):
        # only the outer one starts the scheduler.
        consumer = None
        if jobs and os.environ.get("RUN_MAIN") != "true":
            consumer = _start_consumer()
            self.stdout.write(f"job scheduler running (pid {consumer.pid})")
        old = signal.signal(signal.SIGTERM, _raise_exit)
        try:
            address = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
            call_command("runserver", address, use_reloader=True)
        finally:
            if consumer is not None:
                _stop(consumer, signal.SIGINT, JOBS_GRACE)
            signal.signal(signal.SIGTERM, old)


def _start_consumer() -> subprocess.Popen[bytes]:
    return subprocess.Popen(  # noqa: S603 - our own interpreter and command
        [sys.executable, "-m", "shopops.cli", "run_huey", "--quiet"],
        process_group=0,
    )


def _stop(process: subprocess.Popen[bytes], signum: int, grace: float) -> None:
    """Ask `process` to stop with `signum`; kill it after `grace` seconds."""
    if process.poll() is not None:
        return
    process.send_signal(signum)
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _shown(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def _wait_listening(
    host: str, port: int, web: subprocess.Popen[bytes], stopping: list[int]
) -> bool:
    """Wait until a worker answers an HTTP request; False if the server stopped first.

    The master listens before its workers have loaded Django: the address is printed
    once a request gets an answer (any status), not merely a connection.
    """
    # A wildcard address is reached through the loopback one.
    wildcard = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}  # noqa: S104
    target = wildcard.get(host, host)
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline and not stopping and web.poll() is None:
        conn = http.client.HTTPConnection(target, port, timeout=10)
        try:
            conn.request("HEAD", "/accounts/login/")
            conn.getresponse()
            return True
        except OSError:
            time.sleep(0.2)
        finally:
            conn.close()
    return False


def _raise_exit(signum: int, frame: object) -> None:
    raise SystemExit(0)
