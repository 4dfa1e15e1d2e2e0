from django.db.models import Count, QuerySet

from shopops.org.models import ApiToken, Shop, Staff


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


def shop_get(code: str) -> Shop | None:
    """The shop with this code, or None."""
    return Shop.objects.filter(code=code).first()


def shop_default() -> Shop | None:
    """The shop a page opens on: the first active one, else the first."""
    return Shop.objects.filter(active=True).first() or Shop.objects.first()


def api_token_get(key_hash: str) -> ApiToken | None:
    """The API token with this SHA-256 digest, with its user, or None."""
    return ApiToken.objects.select_related("user").filter(key_hash=key_hash).first()
