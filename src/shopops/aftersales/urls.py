"""After-sales pages, mounted under `/orders/` (see `shopops/urls.py`) so that the
addresses users know stay what they were before the app was split out of orders."""

from django.urls import path

from shopops.aftersales import views

app_name = "aftersales"
urlpatterns = [
    path("<int:pk>/after-sales/new/", views.after_sale_new, name="new"),
    path("holds/<int:pk>/outcome/", views.hold_outcome, name="hold_outcome"),
    path("after-sales/", views.after_sale_list, name="list"),
    path(
        "after-sales/<int:pk>/confirm/",
        views.after_sale_decide,
        {"decision": "confirm"},
        name="confirm",
    ),
    path(
        "after-sales/<int:pk>/reject/",
        views.after_sale_decide,
        {"decision": "reject"},
        name="reject",
    ),
]
