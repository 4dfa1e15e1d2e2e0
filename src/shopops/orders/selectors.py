"""Reads of orders."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import connections
from django.db.models import (
    BooleanField,
    CharField,
    Count,
    Exists,
    F,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.expressions import RawSQL

from shopops.core import clock
from shopops.orders import search_index
from shopops.orders.hold_defaults import BY_REASON
from shopops.orders.models import (
    Complaint,
    DailySales,
    Hold,
    HoldReasonSetting,
    ImportBatch,
    Order,
    OrderLine,
)


def order_list(*, shop_id: int | None = None) -> QuerySet[Order]:
    qs = Order.objects.select_related("shop")
    if shop_id:
        qs = qs.filter(shop_id=shop_id)
    return qs


def orders_per_day(
    *, date_from: dt.date, date_to: dt.date, shop_id: int | None = None
) -> list[tuple[dt.date, int]]:
    """Return (day, orders created) for every day in [date_from, date_to], read from
    the daily rollups: each shop's orders count on their day in the shop's time zone.
    """
    rows = DailySales.objects.filter(day__gte=date_from, day__lte=date_to)
    if shop_id:
        rows = rows.filter(shop_id=shop_id)
    counts = dict(
        rows.order_by().values("day").annotate(n=Sum("orders")).values_list("day", "n")
    )
    days = (date_to - date_from).days + 1
    return [
        (d, counts.get(d, 0))
        for d in (date_from + dt.timedelta(days=i) for i in range(days))
    ]


@dataclass(frozen=True)
class OrderFilters:
    shop_id: int | None = None
    status: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    flag: int | None = None
    held: bool | None = None
    province: str = ""
    search: str = ""


def order_search(filters: OrderFilters) -> QuerySet[Order]:
    """Return the orders matching the list page's filters (dates in shop time)."""
    qs = order_list(shop_id=filters.shop_id)
    if filters.status:
        qs = qs.filter(status=filters.status)
    # The calendar's first and last days have no neighbour: no bound to apply.
    if filters.date_from and filters.date_from > dt.date.min:
        qs = qs.filter(created_at__gte=clock.at(filters.date_from, dt.time.min))
    if filters.date_to and filters.date_to < dt.date.max:
        qs = qs.filter(created_at__lt=clock.day_bounds(filters.date_to)[1])
    if filters.flag is not None:
        qs = qs.filter(flag=filters.flag)
    if filters.held is not None:
        active = Exists(
            Hold.objects.filter(order=OuterRef("pk"), released_at__isnull=True)
        )
        qs = qs.filter(active) if filters.held else qs.exclude(active)
    if filters.province:
        qs = qs.filter(province=filters.province.replace("\x00", ""))
    if filters.search:
        qs = order_text_search(qs, filters.search)
    return qs


def order_text_search(qs: QuerySet[Order], text: str) -> QuerySet[Order]:
    """Return the orders of `qs` that the search box's `text` finds.

    The rule is search_index's: a substring (≥ 3 characters) or a whole field (1–2
    characters) of the order number, member name, receiver, phone or tracking number,
    ignoring the case of A–Z; a mobile number also finds its masked form. SQLite
    narrows down with the FTS5 trigram index and decides with LIKE; PostgreSQL answers
    from the pg_trgm index: the same orders.
    """
    terms = search_index.query_terms(search_index.clean_query(text))
    if not terms:
        return qs
    found = Q()
    if connections[qs.db].vendor == "sqlite":
        # SQLite's LIKE ignores the case of A–Z only: the rule.
        for term in terms:
            lookup = "iexact" if search_index.is_exact(term) else "icontains"
            for field in search_index.FIELDS:
                found |= Q(**{f"{field}__{lookup}": term})
        # The MATCH expression is a parameter; the SQL is a constant.
        match = RawSQL(  # noqa: S611
            search_index.SQLITE_MATCH, [search_index.fts_match(terms)]
        )
        return qs.filter(pk__in=match).filter(found)
    # As on SQLite, the index looks up only the last 6 characters (trigrams every
    # order shares cost a pass over their whole list each); the whole query is checked
    # on an expression the index is not on, so on the rows found only.
    narrowed = Q()
    for term in terms:
        value = search_index.ascii_upper(term)
        for field in search_index.FIELDS:
            if search_index.is_exact(term):
                narrowed |= Q(**{f"search_{field}__exact": value})
                found |= Q(**{f"check_{field}__exact": value})
            else:
                window = value[-search_index.WINDOW :]
                narrowed |= Q(**{f"search_{field}__contains": window})
                found |= Q(**{f"check_{field}__contains": value})
    matching = (
        Order.objects.alias(
            **{f"search_{f}": AsciiUpper(f) for f in search_index.FIELDS},
            **{f"check_{f}": AsciiUpperChecked(f) for f in search_index.FIELDS},
        )
        .filter(narrowed)
        .filter(found)
        .order_by()
        .values("pk")
    )
    # `pk = ANY(ARRAY(subquery))`: the subquery runs first, from the trigram index.
    # As a plain WHERE, the planner guesses hundreds of matches and walks the
    # created_at index backwards for the newest 50: 35 s when 26 orders match.
    return qs.filter(AnyOf(F("pk"), Subquery(matching)))


class AsciiUpperChecked(Func):
    """`TRANSLATE(field || '', 'a…z', 'A…Z')`: the same text, not the index's expression."""

    function = "TRANSLATE"
    template = (
        f"%(function)s(%(expressions)s || '', '{search_index.LOWER}', "
        f"'{search_index.UPPER}')"
    )
    output_field = CharField()


class AnyOf(Func):
    """`value = ANY(ARRAY(subquery))` (PostgreSQL): the subquery is run once, first."""

    arg_joiner = " = ANY(ARRAY"
    template = "(%(expressions)s))"
    output_field = BooleanField()


class AsciiUpper(Func):
    """`TRANSLATE(field, 'a…z', 'A…Z')`: the expression the pg_trgm index is on."""

    function = "TRANSLATE"
    template = (
        f"%(function)s(%(expressions)s, '{search_index.LOWER}', '{search_index.UPPER}')"
    )
    output_field = CharField()


def order_get(pk: int) -> Order:
    return (
        Order.objects.select_related("shop", "customer")
        .prefetch_related(
            "lines__sku",
            "history__actor",
            "holds__created_by",
            "holds__handled_by",
            "holds__owner",
            "holds__released_by",
            "after_sales__raised_by",
            "after_sales__decided_by",
            "after_sales__exchange_sku",
            "complaints__raised_by",
        )
        .get(pk=pk)
    )


def active_holds() -> QuerySet[Hold]:
    return Hold.objects.filter(released_at__isnull=True)


def evening_queue() -> QuerySet[Hold]:
    """Return the holds that evening customer service has not handled yet (CS-1)."""
    return (
        active_holds()
        .filter(handled_at__isnull=True)
        .select_related("order", "order__shop", "order__customer", "owner")
        .order_by("created_at", "pk")
    )


def holds_handled_today() -> QuerySet[Hold]:
    start, end = clock.day_bounds(clock.today())
    return (
        Hold.objects.filter(handled_at__gte=start, handled_at__lt=end)
        .select_related("order", "handled_by")
        .order_by("-handled_at")
    )


def hold_reason_settings() -> dict[str, HoldReasonSetting]:
    """Return every reason's setting; a missing row reads as its default."""
    saved = {s.reason: s for s in HoldReasonSetting.objects.all()}
    return {
        reason: saved.get(reason)
        or HoldReasonSetting(reason=reason, flag=flag, message_template=template)
        for reason, (flag, template) in BY_REASON.items()
    }


def open_complaints() -> QuerySet[Complaint]:
    return Complaint.objects.exclude(
        state__in=[Complaint.State.RESOLVED, Complaint.State.CLOSED]
    ).select_related("order")


def active_holds_by_reason() -> dict[str, int]:
    """How many holds are active, by reason."""
    return dict(
        active_holds()
        .values_list("reason")
        .annotate(n=Count("pk"))
        .values_list("reason", "n")
    )


def paid_order_couriers() -> list[str]:
    """The couriers named on paid orders, for a page's courier choice."""
    return list(
        Order.objects.filter(status=Order.Status.PAID)
        .exclude(courier="")
        .values_list("courier", flat=True)
        .distinct()
        .order_by("courier")
    )


def paid_order_provinces() -> list[str]:
    """The provinces of paid orders, for a page's province choice."""
    return list(
        Order.objects.filter(status=Order.Status.PAID)
        .exclude(province="")
        .values_list("province", flat=True)
        .distinct()
        .order_by("province")
    )


def orders_by_no(order_no: str) -> QuerySet[Order]:
    """The orders with this number (one per shop at most), by shop."""
    return Order.objects.filter(order_no=order_no).select_related("shop")


def complaint_list(*, show_all: bool) -> QuerySet[Complaint]:
    """Every complaint, or (by default) the open ones, with who raised them."""
    if show_all:
        return Complaint.objects.select_related("order", "raised_by")
    return open_complaints().select_related("raised_by")


def hold_reason_setting_list() -> QuerySet[HoldReasonSetting]:
    """The saved hold-reason settings (a reason without a row uses its default)."""
    return HoldReasonSetting.objects.all()


def import_batches() -> QuerySet[ImportBatch]:
    """Order import batches with their shop and who started them, newest first."""
    return ImportBatch.objects.select_related("shop", "created_by").order_by(
        "-created_at", "-pk"
    )


def hold_list() -> QuerySet[Hold]:
    """Every hold (active or released) with its order and the staff who touched it."""
    return Hold.objects.select_related(
        "order", "created_by", "owner", "handled_by", "released_by"
    )


def orders_with_held(qs: QuerySet[Order]) -> QuerySet[Order]:
    """`qs` with `held`: whether the order has an active hold (a subquery, no join)."""
    return qs.annotate(
        held=Exists(Hold.objects.filter(order=OuterRef("pk"), released_at__isnull=True))
    )


def order_active_holds(order: Order) -> QuerySet[Hold]:
    """The holds of `order` not released yet."""
    return order.holds.filter(released_at__isnull=True)


def order_line_get(order: Order, line_id: int) -> OrderLine | None:
    """The line `line_id` of `order`, or None (a line of another order is None too)."""
    return order.lines.filter(pk=line_id).first()
