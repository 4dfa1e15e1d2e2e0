"""The JSON API under /api/v1/ (OpenAPI at /api/v1/openapi.json)."""

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI
from ninja.operation import Operation

from shopops.aftersales.api import router as aftersales_router
from shopops.catalog.api import router as catalog_router
from shopops.core.api import router as core_router
from shopops.orders.api import router as orders_router
from shopops.orders.api_import import router as imports_router
from shopops.org.api import router as org_router
from shopops.org.api_auth import api_auth
from shopops.purchasing.api import router as purchasing_router
from shopops.shipping.api import router as shipping_router
from shopops.stock.api import router as stock_router


class ShopopsAPI(NinjaAPI):
    """Operation ids are `<app's api module>_<function>`, as django-ninja makes them,
    also for an app whose API is a package: an endpoint in `shopops.stock.api.levels`
    is `shopops_stock_api_stock_levels`, so splitting a module keeps every id."""

    def get_openapi_operation_id(self, operation: Operation) -> str:
        module = operation.view_func.__module__
        head, dot_api, _rest = module.partition(".api.")
        if dot_api:
            module = head + ".api"
        return (module + "_" + operation.view_func.__name__).replace(".", "_")


api = ShopopsAPI(
    title="shopops",
    version="1",
    # A bearer token first (no CSRF: not an ambient credential), else the session
    # (CSRF-checked on writes): see shopops.org.api_auth.
    auth=api_auth(),
    urls_namespace="api",
)
api.add_router("/", core_router)
api.add_router("/", org_router)
api.add_router("/", catalog_router)
api.add_router("/", orders_router)
api.add_router("/", imports_router)
api.add_router("/", aftersales_router)
api.add_router("/", shipping_router)
api.add_router("/", purchasing_router)
api.add_router("/", stock_router)


@csrf_exempt  # it changes nothing: a POST to a wrong address is told so, not "CSRF"
def api_not_found(request: HttpRequest, rest: str) -> JsonResponse:
    """Any other address under /api/v1/ (an id that is not a number where the path
    needs one, a misspelt endpoint): a JSON 404 that says so, not the site's HTML page."""
    return JsonResponse({"detail": f"no API endpoint at {request.path}"}, status=404)
