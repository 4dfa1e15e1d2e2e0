from django.db.models import Count, QuerySet

from shopops.org.models import Shop, Staff


def shop_list() -> QuerySet[Shop]:
    # Meta.ordering does not apply to a GROUP BY query: order it here.
    return Shop.objects.annotate(order_count=Count("orders")).order_by("code")


def staff_list() -> QuerySet[Staff]:
    return Staff.objects.select_related("user", "department", "manager")


def shop_choices() -> QuerySet[Shop]:
    """The shops, in their own order, for a page's shop filter."""
    return Shop.objects.all()


def active_shops() -> QuerySet[Shop]:
    """The shops still trading, by code."""
    return Shop.objects.filter(active=True).order_by("code")
