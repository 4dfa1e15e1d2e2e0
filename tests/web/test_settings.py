"""Production settings: `shopops check --deploy` is clean, and SECRET_KEY is required."""

import os
import secrets
import string
import subprocess
import sys

import pytest

SHOPOPS = [sys.executable, "-m", "shopops.cli"]


def run_shopops(*args: str, tmp_path, **env: str) -> subprocess.CompletedProcess:
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"SECRET_KEY", "ALLOWED_HOSTS", "DEBUG", "DJANGO_SETTINGS_MODULE"}
    }
    environment.update(SHOPOPS_VAR_DIR=str(tmp_path), **env)
    return subprocess.run(  # noqa: S603 - our own command line
        [*SHOPOPS, *args],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def secret_key() -> str:
    alphabet = string.ascii_letters + string.digits + "!@#%^&*(-_=+)"
    return "".join(secrets.choice(alphabet) for _ in range(50))


def test_production_check_deploy_prints_no_warning(tmp_path, secret_key):
    result = run_shopops(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        tmp_path=tmp_path,
        SHOPOPS_ENV="production",
        SECRET_KEY=secret_key,
        ALLOWED_HOSTS="shop.example.com",
    )

    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "WARNINGS" not in output
    assert "no issues" in output


def test_production_without_a_secret_key_fails_with_a_clear_message(tmp_path):
    result = run_shopops(
        "check",
        tmp_path=tmp_path,
        SHOPOPS_ENV="production",
        ALLOWED_HOSTS="shop.example.com",
    )

    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr
    assert "Traceback" not in result.stderr
