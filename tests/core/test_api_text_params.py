"""Text in an API query string or path reaches the database as a value: a NUL
character, which PostgreSQL cannot hold, is refused with a message naming the
parameter (schemathesis found `GET /api/v1/products?q=…%00…` answering 500)."""

from __future__ import annotations

import pytest

from tests.factories import json_client

pytestmark = pytest.mark.django_db

NUL = "a%00b"


@pytest.mark.parametrize(
    ("role", "path", "param"),
    [
        ("ops_manager", f"/api/v1/products?q={NUL}", "q"),
        ("ops_manager", f"/api/v1/products?status={NUL}", "status"),
        ("ops_manager", f"/api/v1/listings?state={NUL}", "state"),
        ("ops_manager", f"/api/v1/audit?model={NUL}", "model"),
        ("ops_manager", f"/api/v1/holds?reason={NUL}", "reason"),
        ("logistics", f"/api/v1/after-sales?state={NUL}", "state"),
        ("shipping", f"/api/v1/shipping/pick-lists?state={NUL}", "state"),
        ("shipping", f"/api/v1/shipping/handoff-problems?week={NUL}", "week"),
    ],
)
def test_a_nul_in_a_text_parameter_is_refused_with_its_name(
    make_staff, role, path, param
):
    response = json_client(make_staff(role)).get(path)
    assert response.status_code == 422, response.content
    detail = response.json()["detail"]
    assert any(param in item["loc"] for item in detail)
    assert any("NUL" in item["msg"] for item in detail)
