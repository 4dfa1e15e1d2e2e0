"""`shopops serve`: the real server (gunicorn) on the test database, under concurrent
requests; its sizing; the address `make run` prints; clean shutdown."""

from __future__ import annotations

import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from shopops.org.services import api_token_create
from shopops.web.management.commands.serve import machine_size

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def database_url() -> str:
    """Return the URL of the test database this test's connection uses."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    return (
        f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}"
    )


def start(tmp_path: Path, *options: str) -> tuple[subprocess.Popen[str], int, str]:
    """Start `shopops serve` on the test database; return it, its port, its banner."""
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "SHOPOPS_VAR_DIR": str(tmp_path),
        "PYTHONPATH": str(ROOT / "src"),
    }
    server = subprocess.Popen(  # noqa: S603 - our interpreter, our command
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
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert server.stdout is not None
    deadline = time.monotonic() + 240
    banner = ""
    while time.monotonic() < deadline and server.poll() is None:
        banner = server.stdout.readline()
        if banner.startswith("Serving"):
            return server, port, banner
    server.kill()
    raise AssertionError(f"the server did not start: {banner!r}")


def get(
    port: int, path: str, headers: dict[str, str] | None = None
) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def test_machine_size_follows_the_formula() -> None:
    assert machine_size(cpus=1, memory_mb=4096) == (3, 4)
    assert machine_size(cpus=2, memory_mb=4096) == (5, 4)
    assert machine_size(cpus=8, memory_mb=65536) == (17, 4)
    assert machine_size(cpus=8, memory_mb=1024) == (4, 4)  # one per 256 MB
    assert machine_size(cpus=4, memory_mb=256) == (2, 4)  # never fewer than 2
    workers, threads = machine_size()
    assert workers >= 2
    assert threads == 4


@pytest.mark.django_db(transaction=True)
def test_gunicorn_serves_pages_static_files_and_the_api_concurrently(
    tmp_path: Path, make_staff: Any
) -> None:
    ops = make_staff("ops_manager")
    _token, secret = api_token_create(actor=None, user=ops.user, name="load")
    server, port, banner = start(tmp_path, "--workers", "2", "--threads", "2")
    try:
        assert f"http://127.0.0.1:{port}/" in banner
        assert "gunicorn (2 workers × 2 threads)" in banner
        consumer = int(re.search(r"job scheduler pid (\d+)", banner)[1])  # type: ignore[index]
        assert Path(f"/proc/{consumer}").exists()
        bearer = {"Authorization": f"Bearer {secret}", "Accept": "application/json"}
        targets = [
            ("/accounts/login/", {}, b"csrfmiddlewaretoken"),
            ("/static/shopops/app.css", {}, b"{"),
            ("/api/v1/orders?limit=5", bearer, b'"count"'),
        ]
        outcomes: Counter[str] = Counter()
        lock = threading.Lock()

        def client(n: int) -> None:
            for i in range(12):
                path, headers, expected = targets[(n + i) % len(targets)]
                try:
                    status, body = get(port, path, headers)
                    outcome = (
                        "ok" if status == 200 and expected in body else f"{status}"
                    )
                except OSError as exc:
                    outcome = type(exc).__name__
                with lock:
                    outcomes[outcome] += 1

        threads = [threading.Thread(target=client, args=(n,)) for n in range(10)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
        assert outcomes == Counter({"ok": 120})
        # a token that is not one is refused, not an error
        assert get(port, "/api/v1/orders", {"Authorization": "Bearer nope"})[0] == 401
    finally:
        server.send_signal(signal.SIGTERM)
        code = server.wait(timeout=60)
    assert code == 0
    assert not Path(f"/proc/{consumer}").exists() or _is_zombie(consumer)
    with pytest.raises(ConnectionRefusedError):
        get(port, "/accounts/login/")


def _is_zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2] == "Z"
    except OSError:
        return True


@pytest.mark.django_db(transaction=True)
def test_ctrl_c_stops_the_server_and_a_bad_port_is_refused(tmp_path: Path) -> None:
    server, port, _banner = start(
        tmp_path, "--no-jobs", "--workers", "1", "--threads", "1"
    )
    assert get(port, "/accounts/login/")[0] == 200
    server.send_signal(signal.SIGINT)
    assert server.wait(timeout=60) == 0

    with pytest.raises(CommandError, match="expected a whole number ≥ 1, got 'http'"):
        call_command("serve", "--port", "http")
    with pytest.raises(CommandError, match="--port must be 1–65535"):
        call_command("serve", "--port", "70000")


def test_make_run_prints_the_address_it_serves() -> None:
    """`PORT=8011 make run` prints the logins with :8011 and serves :8011."""
    dry = subprocess.run(  # noqa: S603
        ["make", "-n", "-s", "run"],  # noqa: S607 - make from the PATH
        cwd=ROOT,
        env={**os.environ, "PORT": "8011", "HOST": "127.0.0.1"},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    lines = dry.stdout.splitlines()
    assert any(
        "demo --if-empty --print-logins --url http://127.0.0.1:8011/" in line
        for line in lines
    ), dry.stdout
    assert any("serve --host 127.0.0.1 --port 8011" in line for line in lines)
