"""The JSON API under /api/v1/ (OpenAPI at /api/v1/openapi.json)."""

from ninja import NinjaAPI
from ninja.security import django_auth

from shopops.aftersales.api import router as aftersales_router
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
api.add_router("/", aftersales_router)
api.add_router("/", shipping_router)
api.add_router("/", purchasing_router)
api.add_router("/", stock_router)
