from django.urls import path

from shopops.purchasing import views

app_name = "purchasing"
urlpatterns = [
    path("", views.suggestions, name="suggestions"),
    path("build/", views.suggestions_build, name="build"),
    path("cutoff/", views.cutoff, name="cutoff"),
    path(
        "suggestions/<int:pk>/quantity/",
        views.suggestion_quantity,
        name="suggestion_quantity",
    ),
    path(
        "suggestions/<int:pk>/accept/",
        views.suggestion_accept,
        name="suggestion_accept",
    ),
    path("suggestions/accept-supplier/", views.supplier_accept, name="supplier_accept"),
    path("settings/", views.settings_page, name="settings"),
    path("arrivals/", views.arrivals, name="arrivals"),
    path("suppliers/", views.supplier_list, name="suppliers"),
    path("suppliers/<int:pk>/", views.supplier_detail, name="supplier_detail"),
    path("orders/", views.order_list, name="orders"),
    path("orders/<int:pk>/", views.order_detail, name="order_detail"),
    path("orders/<int:pk>/print/", views.order_print, name="order_print"),
    path("orders/<int:pk>/export.xlsx", views.order_export, name="order_export"),
    path("orders/<int:pk>/receive/", views.order_receive, name="order_receive"),
    path("orders/<int:pk>/cancel/", views.order_cancel, name="order_cancel"),
]
