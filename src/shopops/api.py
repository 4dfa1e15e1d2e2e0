"""The JSON API under /api/v1/ (OpenAPI at /api/v1/openapi.json)."""

from django.http import HttpRequest, JsonResponse
from ninja import NinjaAPI
from ninja.security import django_auth

from shopops.catalog.api import router as catalog_router
from shopops.core.api import router as core_router
from shopops.orders.api import router as orders_router
from shopops.orders.api_import import router as imports_router
from shopops.org.api import router as org_router
from shopops.org.api_auth import TokenAuth
from shopops.purchasing.api import router as purchasing_router
from shopops.shipping.api import router as shipping_router
from shopops.stock.api import router as stock_router

api = NinjaAPI(
    title="shopops",
    version="1",
    auth=[django_auth, TokenAuth()],
    urls_namespace="api",
)
api.add_router("/", core_router)
api.add_router("/", org_router)
api.add_router("/", catalog_router)
api.add_router("/", orders_router)
api.add_router("/", imports_router)
api.add_router("/", shipping_router)
api.add_router("/", purchasing_router)
api.add_router("/", stock_router)


def api_not_found(request: HttpRequest, rest: str) -> JsonResponse:
    """Any other address under /api/v1/ (an id that is not a number where the path
    needs one, a misspelt endpoint): a JSON 404 that says so, not the site's HTML page."""
    return JsonResponse({"detail": f"no API endpoint at {request.path}"}, status=404)
