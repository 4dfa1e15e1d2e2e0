"""Views and endpoints hold no ORM calls of their own: a read with joins or filters is
a selector, a plain lookup by id is `get_or_404(Model, pk, what)` (as pages use
Django's `get_object_or_404`), a write is a service (docs/architecture.md, "The shape
of an app")."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.utils import timezone
from ninja.errors import HttpError

from shopops.catalog.models import Supplier
from shopops.core.api_helpers import get_or_404
from shopops.core.roles import Role
from shopops.org import services as org_services
from shopops.org.models import ApiToken

SRC = Path(__file__).resolve().parent.parent / "src" / "shopops"
# The managers a view or an endpoint must not reach for (core.api_helpers.get_or_404
# is the one place that turns a model into its rows).
MANAGERS = {"objects", "_default_manager"}


def _view_and_api_modules() -> list[Path]:
    found: set[Path] = set()
    for pattern in ("*/views*.py", "*/api.py", "*/api_*.py", "*/api/*.py"):
        found.update(SRC.glob(pattern))
    return sorted(found - {SRC / "core" / "api_helpers.py"})


def manager_uses(source: str) -> list[int]:
    """The line numbers of `<something>.objects` / `._default_manager` in `source`."""
    return [
        node.lineno
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Attribute) and node.attr in MANAGERS
    ]


def test_the_scan_sees_a_query_written_in_a_view() -> None:
    planted = "def page(request, pk):\n    return Order.objects.filter(pk=pk).first()\n"
    assert manager_uses(planted) == [2]
    assert manager_uses("def page(request):\n    return selectors.order_list()\n") == []


def test_no_view_or_api_module_queries_a_manager() -> None:
    modules = _view_and_api_modules()
    assert len(modules) > 20  # the glob found the apps' views and API modules
    offenders = [
        f"{path.relative_to(SRC)}:{line}"
        for path in modules
        for line in manager_uses(path.read_text(encoding="utf-8"))
    ]
    assert offenders == [], "use a selector or get_or_404(Model, …): " + ", ".join(
        offenders
    )


@pytest.mark.django_db
def test_get_or_404_takes_a_model_for_a_plain_lookup(
    django_assert_num_queries,
) -> None:
    supplier = Supplier.objects.create(code="S1", name="一号供应商")

    with django_assert_num_queries(1):
        assert get_or_404(Supplier, supplier.pk, "supplier") == supplier
    with pytest.raises(HttpError) as missing:
        get_or_404(Supplier, supplier.pk + 1, "supplier")
    assert (missing.value.status_code, str(missing.value)) == (
        404,
        f"supplier {supplier.pk + 1} not found",
    )
    # An id that came in the body: 422, the same message.
    with pytest.raises(HttpError) as in_body:
        get_or_404(Supplier, 0, "supplier", status=422)
    assert (in_body.value.status_code, str(in_body.value)) == (
        422,
        "supplier 0 not found",
    )
    # A selector's queryset narrows the rows: outside it is missing.
    with pytest.raises(HttpError):
        get_or_404(Supplier.objects.filter(code="other"), supplier.pk, "supplier")


@pytest.mark.django_db
def test_api_token_touch_stamps_last_used_alone(
    make_staff, django_assert_num_queries
) -> None:
    user = make_staff(Role.LOGISTICS).user
    token, _secret = org_services.api_token_create(actor=None, user=user, name="x")
    before = timezone.now()

    with django_assert_num_queries(1):
        org_services.api_token_touch(token=token)

    stored = ApiToken.objects.get(pk=token.pk)
    assert stored.last_used_at is not None
    assert stored.last_used_at >= before
    assert (stored.name, stored.key_hash) == ("x", token.key_hash)


@pytest.mark.django_db
def test_a_token_used_again_within_a_minute_is_not_stamped_again(
    make_staff, django_assert_num_queries
) -> None:
    user = make_staff(Role.LOGISTICS).user
    token, _secret = org_services.api_token_create(actor=None, user=user, name="x")
    org_services.api_token_touch(token=token)
    first = ApiToken.objects.get(pk=token.pk).last_used_at

    with django_assert_num_queries(0):
        org_services.api_token_touch(token=token)

    assert ApiToken.objects.get(pk=token.pk).last_used_at == first
