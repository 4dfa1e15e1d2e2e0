"""The helpers every app's pages share (shopops.core.views): query-string parsing,
the safe `next`, and the POST → service → message → redirect pattern."""

from __future__ import annotations

import datetime as dt

import pytest
from django import forms
from django.contrib import messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.test import RequestFactory

from shopops.core.views import (
    Done,
    form_error_text,
    post_service,
    query_date,
    query_int,
    query_text,
    safe_next,
)


def _post(data: dict[str, str] | None = None) -> object:
    request = RequestFactory().post("/somewhere/", data or {})
    request._messages = CookieStorage(request)  # type: ignore[attr-defined]
    return request


def _said(request: object) -> list[tuple[int, str]]:
    return [(m.level, m.message) for m in messages.get_messages(request)]  # type: ignore[arg-type]


class _NumberForm(forms.Form):
    n = forms.IntegerField()


@pytest.mark.parametrize(
    ("value", "expected"),
    [("12", 12), ("-3", -3), ("", None), (None, None), ("x", None), ("1.5", None)],
)
def test_query_int(value: str | None, expected: int | None) -> None:
    assert query_int(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-11-05", dt.date(2026, 11, 5)),
        ("", None),
        (None, None),
        ("2026-13-01", None),
        ("yesterday", None),
    ],
)
def test_query_date(value: str | None, expected: dt.date | None) -> None:
    assert query_date(value) == expected


def test_query_text_strips_cuts_and_drops_nul() -> None:
    request = RequestFactory().get("/", {"q": "  ab\x00c" + "d" * 100})
    assert query_text(request, "q", limit=5) == "abcdd"
    assert query_text(request, "missing") == ""


@pytest.mark.parametrize(
    ("next_value", "expected"),
    [
        ("/orders/holds/?reason=stock", "/orders/holds/?reason=stock"),
        ("//evil.example/", "/orders/holds/"),
        ("https://evil.example/", "/orders/holds/"),
        ("/\\evil.example", "/orders/holds/"),
        ("", "/orders/holds/"),
    ],
)
def test_safe_next_follows_only_a_path_on_this_site(
    next_value: str, expected: str
) -> None:
    request = RequestFactory().post("/", {"next": next_value})
    assert safe_next(request, "orders:holds") == expected


def test_post_service_says_the_success_and_redirects() -> None:
    request = _post()
    response = post_service(request, lambda: "done it", to="orders:holds")
    assert response.status_code == 302
    assert response["Location"] == "/orders/holds/"
    assert _said(request) == [(messages.SUCCESS, "done it")]


def test_post_service_shows_a_refusal_and_goes_to_failed() -> None:
    request = _post()

    def refuse() -> str:
        raise ValidationError(["one", "two"])

    response = post_service(request, refuse, to="/ok/", failed="/again/", sep="；")
    assert response["Location"] == "/again/"
    assert _said(request) == [(messages.ERROR, "one；two")]


def test_post_service_does_not_call_the_service_with_an_invalid_form() -> None:
    request = _post({"n": "many"})
    form = _NumberForm(request.POST)  # type: ignore[attr-defined]
    called: list[int] = []
    response = post_service(
        request, lambda: called.append(1) or "x", form=form, to="/ok/"
    )
    assert called == []
    assert response["Location"] == "/ok/"
    assert _said(request) == [(messages.ERROR, form_error_text(form, " "))]

    request = _post({"n": "many"})
    form = _NumberForm(request.POST)  # type: ignore[attr-defined]
    post_service(request, lambda: "x", form=form, to="/ok/", invalid="n: a number")
    assert _said(request) == [(messages.ERROR, "n: a number")]


def test_post_service_done_chooses_the_target_and_the_level() -> None:
    request = _post({"n": "3"})
    form = _NumberForm(request.POST)  # type: ignore[attr-defined]
    response = post_service(
        request,
        lambda: Done(
            f"made {form.cleaned_data['n']}", to="/made/", level=messages.INFO
        ),
        form=form,
        to="/list/",
    )
    assert response["Location"] == "/made/"
    assert _said(request) == [(messages.INFO, "made 3")]


def test_post_service_back_prefers_a_safe_next() -> None:
    request = _post({"next": "/orders/?page=2"})
    assert (
        post_service(request, lambda: None, to="/x/", back=True)["Location"]
        == "/orders/?page=2"
    )
    assert _said(request) == []
    request = _post({"next": "https://evil.example/"})
    assert post_service(request, lambda: None, to="/x/", back=True)["Location"] == "/x/"


def test_post_service_render_again_puts_the_refusal_on_the_form() -> None:
    request = _post({"n": "3"})
    form = _NumberForm(request.POST)  # type: ignore[attr-defined]

    def refuse() -> str:
        raise ValidationError("not now")

    response = post_service(
        request,
        refuse,
        form=form,
        to="/ok/",
        render_again=lambda: HttpResponse("page", status=200),
    )
    assert response.status_code == 200
    assert form.non_field_errors() == ["not now"]
    assert _said(request) == []
