"""The browser tests never skip quietly: without Chromium (or the CJK fonts) they fail with
the one command that installs them, and `make test` installs them first when run as root.

Chromium stays installed: the checks are pointed at paths that do not exist
(SHOPOPS_CHROMIUM / SHOPOPS_CJK_FONT for the conftest, CHROMIUM / CJK_FONT for make).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e import conftest as e2e

ROOT = Path(__file__).resolve().parents[1]
INSTALL = "apt-get update && apt-get install -y chromium fonts-noto-cjk"


def test_the_check_names_what_is_missing_and_the_install_command(tmp_path):
    problem = e2e.browser_missing(
        str(tmp_path / "no-chromium"), str(tmp_path / "no.ttc")
    )

    assert problem is not None
    assert str(tmp_path / "no-chromium") in problem
    assert str(tmp_path / "no.ttc") in problem
    assert INSTALL in problem


def test_a_file_that_is_not_executable_is_no_chromium(tmp_path):
    fake = tmp_path / "chromium"
    fake.write_text("")
    fake.chmod(0o644)

    problem = e2e.browser_missing(str(fake), e2e.CJK_FONT)

    assert problem is not None
    assert "Chromium" in problem
    assert "CJK" not in problem


def test_this_machine_has_what_the_browser_tests_need():
    # Where this fails, `make test` (as root) installs them, or says how.
    assert e2e.browser_missing() is None


def test_require_browser_fails_it_never_skips(monkeypatch, tmp_path):
    monkeypatch.setattr(e2e, "CHROMIUM", str(tmp_path / "no-chromium"))

    with pytest.raises(pytest.fail.Exception) as failed:
        e2e.require_browser()

    assert not isinstance(failed.value, pytest.skip.Exception)
    assert INSTALL in str(failed.value)


def test_no_browser_test_skips(tmp_path):
    """A browser test run with Chromium pointed elsewhere errors, naming the command."""
    environment = {**os.environ, "SHOPOPS_CHROMIUM": str(tmp_path / "no-chromium")}
    result = subprocess.run(  # noqa: S603 - our own test runner
        [
            sys.executable,
            "-m",
            "pytest",
            "-n",
            "0",
            "-p",
            "no:cacheprovider",
            "-x",
            "-rA",
            "tests/e2e/test_e2e_today.py",
        ],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    output = result.stdout + result.stderr

    assert result.returncode != 0, output
    assert "skipped" not in output.lower()
    assert "1 error" in output
    assert INSTALL in output


# --- the Makefile's `browser` step (a prerequisite of `make test` and `make e2e`) ---------


def run_make_browser(tmp_path: Path, **variables: str) -> subprocess.CompletedProcess:
    make = shutil.which("make")
    assert make is not None, "make is part of the README's set-up"
    # A stand-in apt-get that only records what it was asked: nothing is installed.
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    apt = bin_dir / "apt-get"
    apt.write_text(f'#!/bin/sh\necho "$@" >> {tmp_path / "apt.log"}\n')
    apt.chmod(0o755)
    arguments = [f"{name}={value}" for name, value in variables.items()]
    return subprocess.run(  # noqa: S603 - the project's own Makefile, one target
        [make, "-s", "-C", str(ROOT), "browser", *arguments],
        env={**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_make_as_a_user_stops_with_the_one_install_command(tmp_path):
    result = run_make_browser(
        tmp_path, CHROMIUM=str(tmp_path / "no-chromium"), USER_ID="1000"
    )

    assert result.returncode != 0
    assert f"sudo sh -c '{INSTALL}'" in result.stdout
    assert not (tmp_path / "apt.log").exists()


def test_make_as_root_installs_then_checks_again(tmp_path):
    result = run_make_browser(
        tmp_path, CHROMIUM=str(tmp_path / "no-chromium"), USER_ID="0"
    )

    calls = (tmp_path / "apt.log").read_text().splitlines()
    assert calls[0] == "update -qq"
    assert calls[1].split()[:1] == ["install"]
    assert {"-y", "chromium", "fonts-noto-cjk"} <= set(calls[1].split())
    # The stand-in installed nothing: make says so and stops.
    assert result.returncode != 0
    assert "Still missing after the install" in result.stdout


def test_make_with_everything_present_does_nothing(tmp_path):
    present = tmp_path / "chromium"
    present.write_text("#!/bin/sh\n")
    present.chmod(0o755)

    result = run_make_browser(tmp_path, CHROMIUM=str(present), USER_ID="0")

    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == ""
    assert not (tmp_path / "apt.log").exists()
