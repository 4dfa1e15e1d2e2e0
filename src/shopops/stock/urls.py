from django.urls import path

from shopops.stock import views

app_name = "stock"
urlpatterns = [
    path("", views.level_list, name="levels"),
    path("levels/<int:pk>/adjust/", views.level_adjust, name="adjust"),
    path("levels/<int:pk>/transfer/", views.level_transfer, name="transfer"),
    path("levels/<int:pk>/quarantine/", views.level_quarantine, name="quarantine"),
    path(
        "levels/<int:pk>/quarantine/resolve/",
        views.level_quarantine_resolve,
        name="quarantine_resolve",
    ),
    path("movements/", views.movement_list, name="movements"),
    path("receive/", views.receive, name="receive"),
    path("warehouses/", views.warehouse_list, name="warehouses"),
    path("warehouses/new/", views.warehouse_new, name="warehouse_new"),
    path("locations/new/", views.location_new, name="location_new"),
    path("counts/", views.count_list, name="counts"),
    path("counts/new/", views.count_new, name="count_new"),
    path("counts/<int:pk>/", views.count_detail, name="count_detail"),
    path(
        "counts/<int:pk>/lines/<int:line_pk>/",
        views.count_line_record,
        name="count_line_record",
    ),
    path("counts/<int:pk>/lines/new/", views.count_line_add, name="count_line_add"),
    path(
        "counts/<int:pk>/submit/",
        views.count_action,
        {"action": "submit"},
        name="count_submit",
    ),
    path(
        "counts/<int:pk>/reopen/",
        views.count_action,
        {"action": "reopen"},
        name="count_reopen",
    ),
    path(
        "counts/<int:pk>/post/",
        views.count_action,
        {"action": "post"},
        name="count_post",
    ),
    path("reports/", views.report_list, name="reports"),
    path("reports/build/", views.report_build, name="report_build"),
    path("reports/<int:pk>/", views.report_detail, name="report_detail"),
    path("reports/<int:pk>/xlsx/", views.report_xlsx, name="report_xlsx"),
]
