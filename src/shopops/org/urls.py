from django.urls import path

from shopops.org import views

app_name = "org"
urlpatterns = [
    path("shops/", views.shop_list, name="shops"),
    path("shops/new/", views.shop_new, name="shop_new"),
    path("staff/", views.staff_list, name="staff"),
]
