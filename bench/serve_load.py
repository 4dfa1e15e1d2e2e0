"""Benchmark: 50 concurrent clients against `shopops serve` (gunicorn), beside the same
load against `shopops serve --dev` (Django's development server) in the same run.

    .venv/bin/python bench/serve_load.py [--clients 50] [--seconds 30] [--keep-alive]

What it does:

1. migrates a fresh database (a SQLite file in a temporary SHOPOPS_VAR_DIR, or — when
   DATABASE_URL is PostgreSQL — a fresh database beside the given one, dropped at the
   end), builds the small demo shop (`shopops demo --scale small`), collects the static
   files, and issues an API token for the operations manager;
2. starts the server as `make run` does — `shopops serve --host 127.0.0.1 --port P`,
   job scheduler included — and drives it with `--clients` threads for `--seconds`
   seconds, each in turn asking for the login page and the API's order list with the
   bearer token (`GET /api/v1/orders?limit=20`), on a new connection per request
   unless `--keep-alive`;
3. stops it with SIGTERM (it must exit 0), then does the same with `--dev`;
4. prints, for both: requests, requests per second, connection resets, other
   connection errors, 5xx, other unexpected answers, and latency percentiles.

Exit code 1 when gunicorn had a reset, an error or a 5xx, or did not stop cleanly.
"""

from __future__ import annotations

import argparse
import http.client
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "src"))

RESETS = (ConnectionResetError, BrokenPipeError, http.client.RemoteDisconnected)


@dataclass
class Run:
    label: str
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    outcomes: Counter[str] = field(default_factory=Counter)
    stopped: str = ""

    @property
    def requests(self) -> int:
        return sum(self.outcomes.values())

    def count(self, *keys: str) -> int:
        return sum(n for k, n in self.outcomes.items() if k.startswith(keys))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def prepare(env: dict[str, str]) -> str:
    """Migrate, build the small demo, collect static files; return an API token."""
    import django

    django.setup()
    from django.core.management import call_command

    from shopops.core.roles import Role
    from shopops.org.models import Staff
    from shopops.org.services import api_token_create

    call_command("migrate", verbosity=0)
    call_command("collectstatic", "--noinput", verbosity=0)
    call_command("demo", "--scale", "small", verbosity=0)
    ops = (
        Staff.objects.filter(role=Role.OPS_MANAGER, active=True)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    if ops is None:
        raise SystemExit("the demo has no operations manager")
    _token, secret = api_token_create(actor=None, user=ops.user, name="serve_load")
    return secret


def start(options: list[str], env: dict[str, str]) -> tuple[subprocess.Popen[str], int]:
    port = free_port()
    server = subprocess.Popen(  # noqa: S603 - our interpreter and command
        [
            sys.executable,
            "-m",
            "shopops.cli",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            *options,
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"serve {options} exited with {server.returncode}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/accounts/login/")
            if conn.getresponse().status == 200:
                conn.close()
                return server, port
        except OSError:
            time.sleep(0.5)
    server.kill()
    raise SystemExit(f"serve {options} did not answer in 120 s")


def drive(
    run: Run, port: int, token: str, clients: int, seconds: float, keep_alive: bool
) -> None:
    targets = [
        ("/accounts/login/", {}),
        (
            "/api/v1/orders?limit=20",
            {"Authorization": f"Bearer {token}", "Accept": "application/json"},
        ),
    ]
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def client(n: int) -> None:
        conn: http.client.HTTPConnection | None = None
        i = n
        while time.monotonic() < stop_at:
            path, headers = targets[i % 2]
            i += 1
            started = time.perf_counter()
            try:
                if conn is None:
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                response.read()
                status = response.status
                outcome = (
                    "ok"
                    if status == 200
                    else "5xx"
                    if status >= 500
                    else f"unexpected {status}"
                )
                if not keep_alive or response.will_close:
                    conn.close()
                    conn = None
            except RESETS:
                outcome = "reset"
                conn = None
            except OSError as exc:
                outcome = f"error {type(exc).__name__}"
                conn = None
            elapsed = time.perf_counter() - started
            with lock:
                run.outcomes[outcome] += 1
                if outcome == "ok":
                    run.latencies.append(elapsed)
        if conn is not None:
            conn.close()

    started = time.monotonic()
    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    run.seconds = time.monotonic() - started


def stop(server: subprocess.Popen[str]) -> str:
    started = time.monotonic()
    server.send_signal(signal.SIGTERM)
    try:
        code = server.wait(timeout=90)
    except subprocess.TimeoutExpired:
        server.kill()
        return "did not stop in 90 s"
    return f"exit {code} after {time.monotonic() - started:.1f} s"


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0] * 1000
    return statistics.quantiles(values, n=100, method="inclusive")[int(p) - 1] * 1000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument(
        "--keep-alive", action="store_true", help="reuse each client's connection"
    )
    args = parser.parse_args(argv)
    if args.clients < 1 or args.seconds <= 0:
        parser.error("--clients must be ≥ 1 and --seconds > 0")

    folder = Path(tempfile.mkdtemp(prefix="shopops-bench-serve-"))
    os.environ["SHOPOPS_VAR_DIR"] = str(folder)
    os.environ["DJANGO_SETTINGS_MODULE"] = "shopops.settings"
    os.environ.setdefault("LOG_LEVEL", "ERROR")
    url = os.environ.get("DATABASE_URL", "")
    drop = None
    if url.startswith(("postgres://", "postgresql://")):
        import import_orders

        os.environ["DATABASE_URL"], drop = import_orders.fresh_postgres(url)
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    try:
        token = prepare(env)
        from django.db import connections

        connections.close_all()
        engine = "PostgreSQL" if drop else "SQLite"
        print(
            f"database: {engine}; {args.clients} clients for {args.seconds:.0f} s; "
            f"{'keep-alive' if args.keep_alive else 'a new connection per request'}"
        )
        runs = []
        for label, options in (("gunicorn", []), ("--dev", ["--dev"])):
            run = Run(label)
            server, port = start(options, env)
            try:
                drive(run, port, token, args.clients, args.seconds, args.keep_alive)
            finally:
                run.stopped = stop(server)
            runs.append(run)

        print()
        print(
            f"{'server':10}{'requests':>10}{'req/s':>8}{'resets':>8}{'errors':>8}"
            f"{'5xx':>6}{'other':>7}{'p50 ms':>8}{'p90 ms':>8}{'p99 ms':>8}"
            f"{'max ms':>8}  stop"
        )
        for run in runs:
            lat = run.latencies
            print(
                f"{run.label:10}{run.requests:10,}{run.requests / run.seconds:8.0f}"
                f"{run.count('reset'):8}{run.count('error'):8}{run.count('5xx'):6}"
                f"{run.count('unexpected'):7}{percentile(lat, 50):8.0f}"
                f"{percentile(lat, 90):8.0f}{percentile(lat, 99):8.0f}"
                f"{(max(lat) * 1000 if lat else float('nan')):8.0f}  {run.stopped}"
            )
        ours, dev = runs
        for run in runs:
            odd = {k: n for k, n in run.outcomes.items() if k != "ok"}
            if odd:
                print(f"{run.label}: {odd}")
        print(
            f"ratio gunicorn / --dev (requests per second): "
            f"{(ours.requests / ours.seconds) / (dev.requests / dev.seconds):.2f}"
        )
        failed = ours.requests != ours.count("ok") or not ours.stopped.startswith(
            "exit 0"
        )
        print(
            f"gunicorn: 0 resets, 0 errors, 0 5xx, clean stop: {'FAIL' if failed else 'ok'}"
        )
        return 1 if failed else 0
    finally:
        if drop is not None:
            drop()
        import shutil

        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
