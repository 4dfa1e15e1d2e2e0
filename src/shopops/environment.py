"""Typed, strict reading of the environment for the settings (through `environs`).

Every variable the settings read goes through one `Environment`: a value that does not
parse stops start-up with `ImproperlyConfigured` naming the variable, the value and what
it accepts (`shopops`, manage.py and the WSGI module all load the settings first, so none
of them starts with a half-understood configuration). An unset or blank variable takes
its default. The names read are kept, so that a test holds the README's table to them.
"""

from __future__ import annotations

import builtins
import os
import zoneinfo
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlsplit

import dj_database_url
import environs
import marshmallow
from django.core.exceptions import ImproperlyConfigured
from marshmallow.validate import OneOf, Range

T = TypeVar("T")

TRUE_WORDS = frozenset({"true", "1", "yes", "on"})
FALSE_WORDS = frozenset({"false", "0", "no", "off"})
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


class AnyCaseBoolean(marshmallow.fields.Field):
    """true/false, 1/0, yes/no, on/off in any case (marshmallow's own set is case-bound)."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> bool:
        word = str(value).strip().lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        raise marshmallow.ValidationError("Not a boolean.")


def _time_zone(value: str) -> str:
    try:
        zoneinfo.ZoneInfo(value.strip())
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise environs.EnvError("Not a time zone.") from exc
    return value.strip()


def _log_level(value: str) -> str:
    level = value.strip().upper()
    if level not in LOG_LEVELS:
        raise environs.EnvError("Not a log level.")
    return level


def _url_of(schemes: tuple[builtins.str, ...]) -> Callable[[str], str]:
    def parse(value: str) -> str:
        parts = urlsplit(value.strip())
        if parts.scheme not in schemes or not (parts.netloc or parts.path.strip("/")):
            raise environs.EnvError("Not a URL of the right kind.")
        return value.strip()

    return parse


class Environment:
    """One typed method per kind of value; each says what it accepts when refusing."""

    def __init__(self) -> None:
        self._env = environs.Env(eager=True, expand_vars=False)
        self._env.add_parser_from_field("any_case_bool", AnyCaseBoolean)
        self._env.add_parser("time_zone", _time_zone)
        self._env.add_parser("shopops_log_level", _log_level)
        self.names: builtins.list[builtins.str] = []

    def str(self, name: builtins.str, default: builtins.str) -> builtins.str:
        return self._read(name, default, "text", lambda: self._env.str(name))

    def bool(self, name: builtins.str, default: builtins.bool) -> builtins.bool:
        return self._read(
            name,
            default,
            "true/false, 1/0, yes/no or on/off, in any case",
            lambda: bool(self._env.any_case_bool(name)),
        )

    def int(
        self,
        name: builtins.str,
        default: builtins.int,
        *,
        minimum: builtins.int = 0,
        maximum: builtins.int | None = None,
    ) -> builtins.int:
        accepts = f"a whole number from {minimum}" + (
            f" to {maximum}" if maximum is not None else " up"
        )
        within = Range(min=minimum, max=maximum)
        return self._read(
            name, default, accepts, lambda: int(self._env.int(name, validate=within))
        )

    def list(
        self, name: builtins.str, default: builtins.list[builtins.str]
    ) -> builtins.list[builtins.str]:
        """Comma-separated values; blanks around them and empty items dropped."""
        return self._read(
            name,
            default,
            "comma-separated values",
            lambda: self._items(name),
        )

    def choice(
        self,
        name: builtins.str,
        default: builtins.str,
        choices: tuple[builtins.str, ...],
    ) -> builtins.str:
        return self._read(
            name,
            default,
            "one of " + ", ".join(choices),
            lambda: self._env.str(name, validate=OneOf(choices)).strip(),
        )

    def log_level(self, name: builtins.str, default: builtins.str) -> builtins.str:
        return self._read(
            name,
            default,
            "one of " + ", ".join(LOG_LEVELS) + ", in any case",
            lambda: str(self._env.shopops_log_level(name)),
        )

    def time_zone(self, name: builtins.str, default: builtins.str) -> builtins.str:
        return self._read(
            name,
            default,
            "an IANA time zone name such as Asia/Shanghai",
            lambda: str(self._env.time_zone(name)),
        )

    def database_url(
        self, name: builtins.str, default: builtins.str, **options: Any
    ) -> dict[builtins.str, Any]:
        """dj-database-url's settings dictionary for the variable (or the default URL)."""
        accepts = (
            "a database URL: sqlite:///PATH or postgres://USER:PASSWORD@HOST:PORT/NAME"
        )
        if self._raw(name) is None:
            return dict(dj_database_url.parse(default, **options))
        return self._read(
            name, {}, accepts, lambda: dict(self._env.dj_db_url(name, **options))
        )

    def url(
        self,
        name: builtins.str,
        default: builtins.str,
        *,
        schemes: tuple[builtins.str, ...],
    ) -> builtins.str:
        parser = "url_" + "_".join(schemes)
        if not hasattr(self._env, parser):
            self._env.add_parser(parser, _url_of(schemes))
        return self._read(
            name,
            default,
            "a URL beginning " + " or ".join(f"{scheme}://" for scheme in schemes),
            lambda: str(getattr(self._env, parser)(name)),
        )

    # --- the machinery ------------------------------------------------------------

    def _items(self, name: builtins.str) -> builtins.list[builtins.str]:
        items: builtins.list[Any] = self._env.list(name)
        return [str(item).strip() for item in items if str(item).strip()]

    def _raw(self, name: builtins.str) -> builtins.str | None:
        if name not in self.names:
            self.names.append(name)
        raw = os.environ.get(name)
        return None if raw is None or raw.strip() == "" else raw

    def _read(
        self,
        name: builtins.str,
        default: T,
        accepts: builtins.str,
        parse: Callable[[], T],
    ) -> T:
        raw = self._raw(name)
        if raw is None:
            return default
        try:
            return parse()
        except environs.EnvError:
            raise ImproperlyConfigured(
                f"{name}={raw!r} is not understood: {name} accepts {accepts}"
            ) from None
