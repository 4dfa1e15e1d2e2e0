"""Per-role navigation: menus of pages, each shown when the user has its permission.

A menu with one visible page shows as a plain link; a menu with none is left out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    permission: str = ""  # empty: every signed-in user


@dataclass(frozen=True)
class NavMenu:
    label: str | Promise
    items: tuple[NavItem, ...]


# A label that names many of something uses the "plural" context: Chinese has one word
# for 订单 "order" and "orders", English needs both (the singular is the plain msgid).
NAV: list[NavItem | NavMenu] = [
    NavItem(_("今日"), "today"),
    NavMenu(
        pgettext_lazy("plural", "订单"),
        (
            NavItem(_("订单列表"), "orders:list", "orders.view_order"),
            NavItem(
                pgettext_lazy("plural", "扣留"), "orders:holds", "orders.view_hold"
            ),
            NavItem(_("晚班队列"), "orders:evening_queue", "orders.handle_hold"),
            NavItem(
                _("缺货到货预告"), "purchasing:arrivals", "purchasing.view_arrivals"
            ),
            NavItem(_("售后"), "aftersales:list", "aftersales.view_aftersale"),
            NavItem(
                pgettext_lazy("plural", "投诉"),
                "orders:complaints",
                "orders.view_complaint",
            ),
            NavItem(_("销售汇总"), "orders:summary", "orders.view_order"),
        ),
    ),
    NavMenu(
        _("仓储"),
        (
            NavItem(_("库存"), "stock:levels", "stock.view_stocklevel"),
            NavItem(_("库存流水"), "stock:movements", "stock.view_movement"),
            NavItem(_("盘点"), "stock:counts", "stock.view_countsheet"),
            NavItem(_("月度库存报告"), "stock:reports", "stock.view_stockreport"),
            NavItem(
                _("采购建议"),
                "purchasing:suggestions",
                "purchasing.view_purchasesuggestion",
            ),
            NavItem(
                pgettext_lazy("plural", "采购单"),
                "purchasing:orders",
                "purchasing.view_purchaseorder",
            ),
        ),
    ),
    NavMenu(
        _("发货"),
        (
            NavItem(_("打包台"), "shipping:pack_station", "shipping.add_shipment"),
            NavItem(
                pgettext_lazy("plural", "拣货单"),
                "shipping:pick_lists",
                "shipping.view_picklist",
            ),
            NavItem(_("发货记录"), "shipping:shipments", "shipping.view_shipment"),
            NavItem(
                pgettext_lazy("plural", "快递延误"),
                "shipping:delays",
                "shipping.view_courierdelay",
            ),
            NavItem(_("交接问题"), "shipping:problems", "shipping.view_handoffproblem"),
            NavItem(_("发货分析"), "shipping:analysis", "shipping.view_analysis"),
        ),
    ),
    NavMenu(
        pgettext_lazy("plural", "商品"),
        (
            NavItem(
                pgettext_lazy("plural", "商品"),
                "catalog:products",
                "catalog.view_product",
            ),
            NavItem(_("店铺宝贝"), "catalog:listings", "catalog.view_listing"),
        ),
    ),
    NavMenu(
        _("管理"),
        (
            NavItem(_("职责总览"), "duty_overview", "core.view_dutyrun"),
            NavItem(_("经营概况"), "dashboard", "orders.view_order"),
            NavItem(_("职责表"), "duties"),
            NavItem(pgettext_lazy("plural", "店铺"), "org:shops", "org.view_shop"),
            NavItem(_("员工"), "org:staff", "org.view_staff"),
            NavItem(_("审计"), "audit", "core.view_auditentry"),
        ),
    ),
]


def _visible(user: Any, items: tuple[NavItem, ...]) -> list[dict[str, Any]]:
    shown = []
    for item in items:
        if item.permission and not user.has_perm(item.permission):
            continue
        url = reverse(item.url_name)
        shown.append({"label": item.label, "url": url, "active": False})
    return shown


def nav_for(user: Any, path: str) -> list[dict[str, Any]]:
    """Return the menus for `user`; the page whose URL is the longest prefix of
    `path` is active (so /orders/evening/ lights 晚班队列, not 订单列表)."""
    entries: list[dict[str, Any]] = []
    for node in NAV:
        if isinstance(node, NavItem):
            links = _visible(user, (node,))
            if links:
                entries.append({**links[0], "children": []})
            continue
        links = _visible(user, node.items)
        if len(links) == 1:
            entries.append({**links[0], "children": []})
        elif links:
            entries.append({"label": node.label, "url": "", "children": links})
    candidates = [
        link
        for entry in entries
        for link in (entry["children"] or [entry])
        if path == link["url"] or (link["url"] != "/" and path.startswith(link["url"]))
    ]
    if candidates:
        best = max(candidates, key=lambda link: len(link["url"]))
        best["active"] = True
        for menu in entries:
            if best in menu["children"]:
                menu["active"] = True
    return entries
