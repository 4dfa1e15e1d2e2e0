from django.db.models import Count, QuerySet

from shopops.org.models import Shop, Staff


def shop_list() -> QuerySet[Shop]:
    return Shop.objects.annotate(order_count=Count("orders"))


def staff_list() -> QuerySet[Staff]:
    return Staff.objects.select_related("user", "department", "manager")
