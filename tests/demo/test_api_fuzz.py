"""Bad input on every endpoint (issue 9, item 7): schemathesis against the API.

Every operation of the OpenAPI schema (`/api/v1/openapi.json`) is called with cases
schemathesis generates from it, valid ones and invalid ones, through the real WSGI
application (middleware and CSRF included) with a valid bearer token of a user who holds
every permission any role has, on the small demo. Path parameters name real objects of
the demo (a few of each state, one that does not exist and one past any id), so the
endpoints do their work instead of answering 404; schema-violating cases sometimes keep
the path parameters schemathesis made (a string, a boolean, a negative number). For every answer:

- no 5xx;
- a 4xx is JSON with a `detail` that says what was wrong: a sentence that is more than
  the status's own name, or pydantic's list of (location, message);
- a refused call (4xx) wrote nothing: when it ran an INSERT, UPDATE or DELETE (other
  than the token's `last_used_at`), the tables' digest is the demo's as before.

Each case runs in a savepoint rolled back after it, so every case starts from the demo
and a failing case replays the same way. The examples per operation are bounded and
derandomized (`EXAMPLES`), which keeps the whole run near a minute on two cores.

The calls carry the bearer token alone, as a script does: a token request is not subject
to CSRF (it carries no ambient credential).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from http import HTTPStatus
from typing import Any

import pytest
import schemathesis
from django.apps import apps
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, connection, transaction
from django.db.models import QuerySet
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode

from shopops.api import api
from tests.demo.conftest import import_batch

SCHEMA = schemathesis.openapi.from_dict(api.get_openapi_schema())
OPERATIONS = [
    (op.method.upper(), op.path)
    for op in (result.ok() for result in SCHEMA.get_all_operations())
]
# Examples per operation and generation mode: valid data, then schema-violating data.
EXAMPLES = {GenerationMode.POSITIVE: 12, GenerationMode.NEGATIVE: 8}
WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)
TOKEN_TOUCH = re.compile(r'^\s*UPDATE\s+"org_apitoken"\s+SET\s+"last_used_at"', re.I)
# How many objects of each state a path parameter is drawn from.
PER_STATE = 3
MISSING = 987654321
TOO_BIG = 2**63  # past any id column: refused by validation, not a server error


def _ids(qs: QuerySet[Any], state: str | None = None) -> list[int]:
    """Up to PER_STATE primary keys of each value of the field `state` (of each of
    empty and set, for `field__isnull`), or a few of `qs` without `state`, in order."""
    qs = qs.order_by("pk")
    if state is None:
        return list(qs.values_list("pk", flat=True)[: PER_STATE * 4])
    field, _, isnull = state.partition("__")
    groups: dict[str, list[int]] = {}
    for pk, value in qs.values_list("pk", field):
        group = groups.setdefault(str(value is None if isnull else value), [])
        if len(group) < PER_STATE:
            group.append(pk)
    return [pk for _, pks in sorted(groups.items()) for pk in pks]


def _path_values(user: Any) -> dict[str, list[dict[str, Any]]]:
    """Real values for each path parameter (by name, or `path:name` where a name means
    different objects in different places), each a dict of the parameters it fills."""
    from shopops.aftersales.models import AfterSale
    from shopops.catalog.models import Listing, Supplier
    from shopops.core.models import Notification
    from shopops.orders.models import (
        Complaint,
        Hold,
        HoldReason,
        ImportBatch,
        Order,
    )
    from shopops.purchasing.models import PurchaseOrder, PurchaseSuggestion
    from shopops.shipping.models import CourierDelay, PickList, QualityCheck
    from shopops.stock.models import CountLine, CountSheet, StockLevel, StockReport

    def one(name: str, ids: list[int]) -> list[dict[str, Any]]:
        return [{name: pk} for pk in [*ids, MISSING, TOO_BIG]]

    levels = StockLevel.objects.all()
    return {
        "notification_id": one(
            "notification_id",
            _ids(Notification.objects.filter(recipient=user), "read_at__isnull"),
        ),
        "listing_id": one("listing_id", _ids(Listing.objects.all(), "state")),
        "order_id": one("order_id", _ids(Order.objects.all(), "status")),
        "/purchasing/orders/{order_id}:order_id": one(
            "order_id", _ids(PurchaseOrder.objects.all(), "state")
        ),
        "hold_id": one("hold_id", _ids(Hold.objects.all(), "released_at__isnull")),
        "reason": [{"reason": value} for value in [*HoldReason.values, "no-such"]],
        "after_sale_id": one("after_sale_id", _ids(AfterSale.objects.all(), "state")),
        "complaint_id": one("complaint_id", _ids(Complaint.objects.all(), "state")),
        "batch_id": one("batch_id", _ids(ImportBatch.objects.all(), "state")),
        "pick_list_id": one("pick_list_id", _ids(PickList.objects.all(), "state")),
        "qc_id": one("qc_id", _ids(QualityCheck.objects.all(), "result")),
        "delay_id": one(
            "delay_id", _ids(CourierDelay.objects.all(), "lifted_at__isnull")
        ),
        "supplier_id": one("supplier_id", _ids(Supplier.objects.all())),
        "suggestion_id": one(
            "suggestion_id", _ids(PurchaseSuggestion.objects.all(), "accepted")
        ),
        "level_id": one("level_id", _ids(levels.filter(on_hand__gt=0), "quarantined"))
        + one("level_id", _ids(levels.filter(on_hand=0))),
        "sheet_id": one("sheet_id", _ids(CountSheet.objects.all(), "state")),
        "sheet_id+line_id": [
            {"sheet_id": sheet, "line_id": line}
            for sheet, line in CountLine.objects.order_by("sheet__state", "pk")
            .values_list("sheet_id", "pk")
            .distinct()[: PER_STATE * 4]
        ]
        + [{"sheet_id": MISSING, "line_id": MISSING}],
        "report_id": one("report_id", _ids(StockReport.objects.all())),
    }


def _path_key(path: str, names: list[str], values: dict[str, Any]) -> str:
    if len(names) > 1:
        return "+".join(names)
    specific = f"{path.removeprefix('/api/v1')}:{names[0]}"
    return specific if specific in values else names[0]


# --- what "nothing was written" means ----------------------------------------


def _row(row: tuple[Any, ...]) -> str:
    return repr(
        tuple(str(v) if isinstance(v, Decimal) else v for v in row)  # 1.0 == 1.00
    )


def tables_digest() -> str:
    """A digest of every row of every table, except the tokens' last use, which the
    authentication itself writes."""
    from shopops.org.models import ApiToken

    digest = hashlib.sha256()
    for model in sorted(apps.get_models(), key=lambda m: m._meta.label):
        if model._meta.proxy or not model._meta.managed:
            continue
        fields = [
            f.attname
            for f in model._meta.concrete_fields
            if not (model is ApiToken and f.name == "last_used_at")
        ]
        digest.update(model._meta.label.encode())
        for row in model._base_manager.order_by("pk").values_list(*fields):
            digest.update(_row(row).encode())
    return digest.hexdigest()


@contextmanager
def writes_recorded() -> Iterator[list[str]]:
    """Record the SQL of every INSERT, UPDATE or DELETE run inside the block."""
    seen: list[str] = []

    def record(execute: Callable[..., Any], sql: str, *args: Any) -> Any:
        if WRITE.match(sql) and not TOKEN_TOUCH.match(sql):
            seen.append(sql)
        return execute(sql, *args)

    with connection.execute_wrapper(record):
        yield seen


# --- what a 4xx must say ------------------------------------------------------


def message_problem(status: int, body: bytes) -> str | None:
    """Why a 4xx answer does not say what was wrong, or None when it does."""
    try:
        data = json.loads(body)
    except ValueError:
        return f"not JSON: {body[:200]!r}"
    detail = data.get("detail") if isinstance(data, dict) else None
    if isinstance(detail, list):
        if detail and all(
            isinstance(item, dict) and item.get("msg") and "loc" in item
            for item in detail
        ):
            return None
        return f"a list detail without messages: {detail!r}"
    if not isinstance(detail, str) or not detail.strip():
        return f"no detail: {data!r}"
    if status != HTTPStatus.UNAUTHORIZED and detail.strip().lower() == (
        HTTPStatus(status).phrase.lower()
    ):
        return f"the detail only names the status: {detail!r}"
    return None


# --- the run ------------------------------------------------------------------


@pytest.fixture(scope="module")
def fuzz_env(built: str, django_db_blocker: Any) -> Iterator[dict[str, Any]]:
    """The WSGI app, a token of a user holding every role's permissions, the path
    values and the demo's digest, inside the module's demo transaction."""
    from django.contrib.auth.models import Permission

    from shopops.org.models import Staff
    from shopops.org.permissions import ROLE_PERMISSIONS
    from shopops.org.services import api_token_create

    with django_db_blocker.unblock():
        user = Staff.objects.select_related("user").get(role="ops_manager").user
        wanted = {p for perms in ROLE_PERMISSIONS.values() for p in perms}
        user.user_permissions.set(
            p
            for p in Permission.objects.select_related("content_type")
            if f"{p.content_type.app_label}.{p.codename}" in wanted
        )
        _, secret = api_token_create(actor=None, user=user, name="fuzz")
        import_batch(user)
        env = {
            "app": get_wsgi_application(),
            "headers": {"Authorization": f"Bearer {secret}"},
            "values": _path_values(user),
            "digest": tables_digest(),
        }
    # As Django's test client does: a request's end must not close the connection
    # that holds the demo's transaction.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield env
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def test_every_operation_is_fuzzed() -> None:
    """The schema loads, and its operations are the ones the API mounts."""
    assert len(OPERATIONS) == len(
        {(m, p) for p, ops in api.get_openapi_schema()["paths"].items() for m in ops}
    )
    assert len(OPERATIONS) > 50


@pytest.mark.parametrize("mode", list(EXAMPLES), ids=lambda m: m.value)
@pytest.mark.parametrize(
    ("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS]
)
def test_bad_input(
    method: str, path: str, mode: GenerationMode, fuzz_env: dict[str, Any], db: None
) -> None:
    operation = SCHEMA[path][method]
    names = [p.name for p in operation.path_parameters]
    values = fuzz_env["values"]
    if names:
        key = _path_key(path, names, values)
        assert key in values, (
            f"{method} {path}: no demo objects for path parameter(s) {names}; "
            f"add {key!r} to _path_values"
        )
        paths = st.sampled_from(values[key])
        if mode is GenerationMode.NEGATIVE:  # or keep the generated, invalid ones
            paths = st.one_of(st.just({}), paths)
    else:
        paths = st.just({})

    @settings(
        max_examples=EXAMPLES[mode],
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode), path_values=paths)
    def run(case: schemathesis.Case, path_values: dict[str, Any]) -> None:
        case.path_parameters = {**(case.path_parameters or {}), **path_values}
        with transaction.atomic(), writes_recorded() as writes:
            response = case.call(
                app=fuzz_env["app"],
                headers=fuzz_env["headers"],
            )
            refused = 400 <= response.status_code < 500
            changed = refused and writes and tables_digest() != fuzz_env["digest"]
            transaction.set_rollback(True)
        case.validate_response(response, checks=[not_a_server_error])
        if refused:
            problem = message_problem(response.status_code, response.content)
            assert problem is None, (
                f"{method} {case.formatted_path} answered {response.status_code} "
                f"{problem}"
            )
            assert not changed, (
                f"{method} {case.formatted_path} answered {response.status_code} "
                f"but wrote: {writes[:5]}"
            )

    run()


def test_a_refused_write_is_seen(fuzz_env: dict[str, Any], db: None) -> None:
    """The digest sees a row written: the check above can fail."""
    from shopops.org.models import Shop

    with transaction.atomic():
        Shop.objects.filter(pk=Shop.objects.order_by("pk")[0].pk).update(name="changed")
        assert tables_digest() != fuzz_env["digest"]
        transaction.set_rollback(True)
    assert tables_digest() == fuzz_env["digest"]


def test_an_address_the_api_does_not_have_is_a_json_404(api_client: Any) -> None:
    for path in ("/api/v1/purchasing/orders/abc", "/api/v1/no-such-endpoint"):
        response = api_client.get(path)
        assert response.status_code == 404
        assert response.json() == {"detail": f"no API endpoint at {path}"}


def test_messages_are_checked() -> None:
    assert message_problem(404, b'{"detail": "Not Found"}')
    assert message_problem(422, b'{"detail": []}')
    assert message_problem(400, b"<html>Bad Request</html>")
    assert message_problem(404, b'{"detail": "order 5 not found"}') is None
    assert (
        message_problem(
            422, b'{"detail": [{"loc": ["body"], "msg": "Field required"}]}'
        )
        is None
    )
