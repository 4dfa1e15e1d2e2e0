"""What every app's pages share: reading the query string, where to go back to, and
the one way a page's POST is written — parse (a form), call a service, say what
happened, redirect.

`core` imports no app, so these helpers know nothing of orders or stock."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme

# --- the query string -------------------------------------------------------------


def query_int(value: str | None) -> int | None:
    """An integer parameter, or None when it is missing or not an integer."""
    try:
        return int(value) if value else None
    except ValueError:
        return None


def query_date(value: str | None) -> dt.date | None:
    """An ISO date parameter (2026-11-05), or None when missing or not a date."""
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def query_text(request: HttpRequest, name: str, limit: int = 64) -> str:
    """A GET parameter as search text: stripped, cut to `limit`, without NUL
    (PostgreSQL refuses it)."""
    return request.GET.get(name, "").replace("\x00", "").strip()[:limit]


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


# --- messages and where to go back to ---------------------------------------------


def error_text(exc: ValidationError, sep: str = " ") -> str:
    """A service's refusal as one line for a message."""
    return sep.join(exc.messages)


def form_error_text(form: forms.BaseForm, sep: str = "；") -> str:
    """An invalid form's errors as one line for a message."""
    return sep.join(str(e) for errors in form.errors.values() for e in errors)


def safe_next(request: HttpRequest, fallback: str, *args: Any) -> str:
    """The form's `next` if it is a path on this site, else the URL of `fallback`
    (a URL pattern name, with `args`, or a URL)."""
    target = request.POST.get("next", "")
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return resolve_url(fallback, *args)


# --- POST → service → message → redirect --------------------------------------------


@dataclass(frozen=True)
class Done:
    """What a POST's service call returns when the page should say more than a plain
    success, or go elsewhere than where it goes on a refusal."""

    message: str
    to: str | None = None  # a URL or URL pattern name; None: the helper's `to`
    level: int = messages.SUCCESS


def post_service(
    request: HttpRequest,
    act: Callable[[], str | Done | None],
    *,
    to: str,
    failed: str | None = None,
    form: forms.BaseForm | None = None,
    invalid: str | None = None,
    render_again: Callable[[], HttpResponse] | None = None,
    back: bool = False,
    sep: str = " ",
) -> HttpResponse:
    """The one way a page's POST is written.

    With a `form`, it is validated first; `act` (which may read its `cleaned_data`)
    calls the service and returns the success message (or a `Done`; None says
    nothing). A refusal (`ValidationError`) or invalid form is shown as an error
    message (`invalid` replaces the form's own errors) and the browser goes to
    `failed` (default `to`); with `render_again`, the errors go on the form instead
    and that page is shown again. With `back`, the form's safe `next` wins over both
    targets. `to` and `failed` are URLs or URL pattern names."""
    if form is not None and not form.is_valid():
        if render_again is not None:
            return render_again()
        messages.error(request, invalid or form_error_text(form, sep))
        return _go(request, failed or to, back)
    try:
        result = act()
    except ValidationError as exc:
        if render_again is not None and form is not None:
            form.add_error(None, error_text(exc, sep))
            return render_again()
        messages.error(request, error_text(exc, sep))
        return _go(request, failed or to, back)
    if isinstance(result, Done):
        messages.add_message(request, result.level, result.message)
        return _go(request, result.to or to, back)
    if result:
        messages.success(request, result)
    return _go(request, to, back)


def _go(request: HttpRequest, to: str, back: bool) -> HttpResponse:
    return redirect(safe_next(request, to) if back else to)
