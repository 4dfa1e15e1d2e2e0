"""An app's API may be a package (`<app>/api/__init__.py` exposing `router`, with
`schemas.py`, `base.py` and endpoint modules); its operation ids stay those of one
module, `shopops_<app>_api_<function>`, so clients generated from the OpenAPI document
do not change when a module is split."""

from __future__ import annotations

import importlib

import pytest

from shopops.api import api

PACKAGES = ["orders", "purchasing", "shipping", "stock"]


@pytest.mark.parametrize("app", PACKAGES)
def test_api_package_exposes_its_router(app: str) -> None:
    package = importlib.import_module(f"shopops.{app}.api")
    assert hasattr(package, "__path__")  # a package, not a module
    assert package.router is importlib.import_module(f"shopops.{app}.api.base").router


def test_operation_ids_name_the_app_api_module_and_the_function() -> None:
    ids = set()
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                # shopops.stock.api.levels -> shopops.stock.api; shopops.core.api and
                # shopops.orders.api_import stay as they are
                module = ".".join(operation.view_func.__module__.split(".")[:3])
                expected = f"{module}_{operation.view_func.__name__}".replace(".", "_")
                assert api.get_openapi_operation_id(operation) == expected
                ids.add(expected)
    assert "shopops_stock_api_stock_levels" in ids  # in shopops.stock.api.levels
    assert "shopops_orders_api_hold_list" in ids  # in shopops.orders.api.holds
    schema = api.get_openapi_schema()
    listed = [
        op["operationId"] for ops in schema["paths"].values() for op in ops.values()
    ]
    assert len(listed) == len(set(listed))  # no two endpoints share an id
