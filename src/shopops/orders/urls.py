from django.urls import path

from shopops.orders import views, views_import, views_summary

app_name = "orders"
urlpatterns = [
    path("", views.order_list, name="list"),
    path("<int:pk>/", views.order_detail, name="detail"),
    path("<int:pk>/hold/", views.order_hold, name="hold"),
    path("<int:pk>/complaints/new/", views.complaint_new, name="complaint_new"),
    path("holds/", views.hold_list, name="holds"),
    path("holds/bulk/", views.hold_bulk, name="hold_bulk"),
    path("holds/<int:pk>/release/", views.hold_release, name="hold_release"),
    path("hold-reasons/", views.hold_reasons, name="hold_reasons"),
    path("evening/", views.evening_queue, name="evening_queue"),
    path("summary/", views_summary.sales_summary, name="summary"),
    path("import/", views_import.order_import, name="import"),
    path("import/<int:pk>/", views_import.order_import_batch, name="import_batch"),
    path(
        "import/<int:pk>/progress/",
        views_import.order_import_progress,
        name="import_progress",
    ),
    path("complaints/", views.complaint_list, name="complaints"),
    path(
        "complaints/<int:pk>/update/", views.complaint_update, name="complaint_update"
    ),
]
