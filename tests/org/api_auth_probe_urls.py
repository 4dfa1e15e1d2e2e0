"""A URLconf for tests/org/test_api_auth.py: the real API, and a probe API with the same
authentication that answers POST, PUT and DELETE (the real API has no DELETE yet)."""

from typing import Any

from django.http import HttpRequest
from django.urls import path
from ninja import NinjaAPI

from shopops.api import api
from shopops.org.api_auth import api_auth

probe = NinjaAPI(auth=api_auth(), urls_namespace="auth-probe")


@probe.api_operation(["POST", "PUT", "DELETE"], "/probe")
def probe_write(request: HttpRequest) -> dict[str, Any]:
    return {"method": request.method, "user": request.auth.username}  # type: ignore[attr-defined]


urlpatterns = [
    path("api/v1/", api.urls),
    path("probe/", probe.urls),
]
