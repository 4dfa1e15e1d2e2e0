from django.urls import path

from shopops.web import views

urlpatterns = [
    path("today/", views.today, name="today"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("duties/", views.duties, name="duties"),
    path("duties/overview/", views.duty_overview, name="duty_overview"),
    path(
        "duties/<str:duty_id>/<str:period_key>/done/",
        views.duty_mark_done,
        name="duty_mark_done",
    ),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/badge/", views.notifications_badge, name="notifications_badge"),
    path(
        "notifications/read-all/",
        views.notifications_read_all,
        name="notifications_read_all",
    ),
    path(
        "notifications/<int:pk>/open/",
        views.notification_open,
        name="notification_open",
    ),
    path("audit/", views.audit, name="audit"),
]
