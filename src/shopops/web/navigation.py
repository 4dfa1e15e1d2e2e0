"""Per-role navigation: an item shows when the user has its permission."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    permission: str = ""  # empty: every signed-in user


NAV_ITEMS = [
    NavItem(_("今日"), "today"),
    NavItem(_("职责总览"), "duty_overview", "core.view_dutyrun"),
    NavItem(_("经营概况"), "dashboard", "orders.view_order"),
    NavItem(_("订单"), "orders:list", "orders.view_order"),
    NavItem(_("销售汇总"), "orders:summary", "orders.view_order"),
    NavItem(_("扣留"), "orders:holds", "orders.view_hold"),
    NavItem(_("晚班队列"), "orders:evening_queue", "orders.handle_hold"),
    NavItem(_("售后"), "orders:after_sales", "orders.view_aftersale"),
    NavItem(_("投诉"), "orders:complaints", "orders.view_complaint"),
    NavItem(_("库存"), "stock:levels", "stock.view_stocklevel"),
    NavItem(_("商品"), "catalog:products", "catalog.view_product"),
    NavItem(_("店铺宝贝"), "catalog:listings", "catalog.view_listing"),
    NavItem(_("采购"), "purchasing:suggestions", "purchasing.view_purchasesuggestion"),
    NavItem(_("采购单"), "purchasing:orders", "purchasing.view_purchaseorder"),
    NavItem(_("拣货发货"), "shipping:pack_station", "shipping.add_shipment"),
    NavItem(_("拣货单"), "shipping:pick_lists", "shipping.view_picklist"),
    NavItem(_("快递延误"), "shipping:delays", "shipping.view_courierdelay"),
    NavItem(_("发货分析"), "shipping:analysis", "shipping.view_analysis"),
    NavItem(_("店铺"), "org:shops", "org.view_shop"),
    NavItem(_("员工"), "org:staff", "org.view_staff"),
    NavItem(_("职责表"), "duties"),
    NavItem(_("审计"), "audit", "core.view_auditentry"),
]


def nav_for(user: Any, path: str) -> list[dict[str, Any]]:
    items = []
    for item in NAV_ITEMS:
        if item.permission and not user.has_perm(item.permission):
            continue
        url = reverse(item.url_name)
        active = path == url if url == "/" else path.startswith(url)
        items.append({"label": item.label, "url": url, "active": active})
    return items
