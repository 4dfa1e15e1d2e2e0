"""Production settings: `shopops check --deploy` is clean, and SECRET_KEY is required."""

import json
import os
import re
import secrets
import string
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from shopops import settings as settings_module
from shopops.environment import Environment

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
        # the rest of docs/operations.md's production environment
        CSRF_TRUSTED_ORIGINS="https://shop.example.com",
        EMAIL_HOST="localhost",
        DEFAULT_FROM_EMAIL="shopops@example.com",
        SECURE_SSL_REDIRECT="True",
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


# --- strict parsing of the environment ------------------------------------------------

SETTINGS_PROBE = (
    "import json, shopops.settings as s; "
    "print(json.dumps({'EMAIL_USE_TLS': s.EMAIL_USE_TLS, 'EMAIL_PORT': s.EMAIL_PORT, "
    "'DEBUG': s.DEBUG, 'ALLOWED_HOSTS': s.ALLOWED_HOSTS}))"
)


def run_settings(tmp_path, **env: str) -> subprocess.CompletedProcess:
    """The settings module alone, imported in a fresh interpreter with `env` set."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"EMAIL_USE_TLS", "EMAIL_USE_SSL", "EMAIL_PORT", "DEBUG"}
    }
    environment.update(SHOPOPS_VAR_DIR=str(tmp_path), **env)
    return subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", SETTINGS_PROBE],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_email_use_tls_true_is_true(tmp_path):
    result = run_settings(tmp_path, EMAIL_USE_TLS="true")

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["EMAIL_USE_TLS"] is True


def test_email_use_tls_maybe_refuses_to_start_naming_the_variable(tmp_path):
    result = run_settings(tmp_path, EMAIL_USE_TLS="maybe")

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "EMAIL_USE_TLS='maybe'" in result.stderr
    assert "true/false, 1/0, yes/no or on/off" in result.stderr


@pytest.mark.parametrize("command", [["check"], ["help"]])
def test_shopops_refuses_a_bad_value_with_one_clean_line(tmp_path, command):
    result = run_shopops(*command, tmp_path=tmp_path, EMAIL_USE_TLS="maybe")

    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("shopops: EMAIL_USE_TLS='maybe' is not understood")


def test_wsgi_refuses_a_bad_value_naming_the_variable(tmp_path):
    environment = {**os.environ, "SHOPOPS_VAR_DIR": str(tmp_path), "EMAIL_PORT": "x"}
    environment.pop("DJANGO_SETTINGS_MODULE", None)
    result = subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", "import shopops.wsgi"],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode != 0
    assert "EMAIL_PORT='x' is not understood" in result.stderr
    assert "a whole number from 1 to 65535" in result.stderr


def test_a_bad_integer_refuses_to_start_naming_the_variable(tmp_path):
    result = run_settings(tmp_path, EMAIL_PORT="twenty-five")

    assert result.returncode != 0
    assert "EMAIL_PORT='twenty-five' is not understood" in result.stderr
    assert "a whole number from 1 to 65535" in result.stderr


def test_an_integer_is_typed(tmp_path):
    result = run_settings(tmp_path, EMAIL_PORT=" 587 ")

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["EMAIL_PORT"] == 587


def cases(word: str) -> list[str]:
    """The word as written, in capitals, capitalised and in mixed case (e.g. tRuE)."""
    mixed = "".join(c.upper() if i % 2 else c for i, c in enumerate(word))
    return sorted({word, word.upper(), word.capitalize(), mixed})


BOOLEAN_FORMS = [
    *[(form, True) for word in ("true", "1", "yes", "on") for form in cases(word)],
    *[(form, False) for word in ("false", "0", "no", "off") for form in cases(word)],
]


@pytest.mark.parametrize(("raw", "expected"), BOOLEAN_FORMS)
def test_every_boolean_form_reads(monkeypatch, raw, expected):
    monkeypatch.setenv("SHOPOPS_TEST_SWITCH", raw)

    assert Environment().bool("SHOPOPS_TEST_SWITCH", not expected) is expected


@pytest.mark.parametrize("raw", ["maybe", "2", "y", "n", "t", "truth", "0.0", "-1"])
def test_anything_else_is_not_a_boolean(monkeypatch, raw):
    monkeypatch.setenv("SHOPOPS_TEST_SWITCH", raw)

    with pytest.raises(ImproperlyConfigured, match=r"SHOPOPS_TEST_SWITCH=.* accepts"):
        Environment().bool("SHOPOPS_TEST_SWITCH", False)


@pytest.mark.parametrize("raw", ["", "   "])
def test_a_blank_value_takes_the_default(monkeypatch, raw):
    monkeypatch.setenv("SHOPOPS_TEST_SWITCH", raw)

    assert Environment().bool("SHOPOPS_TEST_SWITCH", True) is True
    assert Environment().int("SHOPOPS_TEST_SWITCH", 7) == 7


@pytest.mark.parametrize(
    ("method", "raw", "args", "accepts"),
    [
        ("int", "-1", (5,), "a whole number from 0 up"),
        ("int", "1.5", (5,), "a whole number from 0 up"),
        ("choice", "prod", ("development", ("development", "production")), "one of"),
        ("log_level", "loud", ("WARNING",), "one of DEBUG, INFO"),
        ("time_zone", "Mars/Base", ("UTC",), "an IANA time zone name"),
        ("database_url", "nonsense", ("sqlite:///x",), "a database URL"),
    ],
)
def test_each_kind_refuses_what_it_cannot_read(monkeypatch, method, raw, args, accepts):
    monkeypatch.setenv("SHOPOPS_TEST_VALUE", raw)

    with pytest.raises(ImproperlyConfigured) as refused:
        getattr(Environment(), method)("SHOPOPS_TEST_VALUE", *args)

    assert f"SHOPOPS_TEST_VALUE={raw!r}" in str(refused.value)
    assert accepts in str(refused.value)


def test_urls_and_lists_are_typed(monkeypatch):
    monkeypatch.setenv("SHOPOPS_TEST_URL", "ftp://cache.example")
    monkeypatch.setenv("SHOPOPS_TEST_LIST", " a.example, ,b.example ,")
    monkeypatch.setenv("SHOPOPS_TEST_DB", "postgres://u:p@db.example:5433/shop")
    monkeypatch.setenv("SHOPOPS_TEST_LEVEL", "info")
    environment = Environment()

    with pytest.raises(ImproperlyConfigured, match="redis:// or rediss://"):
        environment.url("SHOPOPS_TEST_URL", "", schemes=("redis", "rediss"))
    assert environment.list("SHOPOPS_TEST_LIST", []) == ["a.example", "b.example"]
    database = environment.database_url("SHOPOPS_TEST_DB", "sqlite:///x")
    assert (database["HOST"], database["PORT"], database["NAME"]) == (
        "db.example",
        5433,
        "shop",
    )
    assert environment.log_level("SHOPOPS_TEST_LEVEL", "WARNING") == "INFO"


def test_tls_and_ssl_together_refuse_to_start(tmp_path):
    result = run_settings(tmp_path, EMAIL_USE_TLS="yes", EMAIL_USE_SSL="on")

    assert result.returncode != 0
    assert "EMAIL_USE_TLS and EMAIL_USE_SSL are both on" in result.stderr


def test_the_readme_lists_every_variable_with_its_default():
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text("utf-8")
    section = readme.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    rows = {
        match.group(1): match.group(2).strip()
        for match in re.finditer(r"^\| `([A-Z_]+)` \|([^|]*)\|", section, re.M)
    }

    assert settings_module.env.names, "the settings read no variable through env"
    for name in settings_module.env.names:
        assert name in rows, f"{name} is missing from the README's Configuration table"
        assert rows[name], f"{name} has no default in the README"
