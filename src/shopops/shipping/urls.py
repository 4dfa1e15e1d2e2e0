from django.urls import path

from shopops.shipping import views

app_name = "shipping"
urlpatterns = [
    path("pick-lists/", views.pick_lists, name="pick_lists"),
    path("pick-lists/new/", views.pick_list_new, name="pick_list_new"),
    path("pick-lists/reserve/", views.reserve_waiting, name="reserve_waiting"),
    path("pick-lists/<int:pk>/", views.pick_list_detail, name="pick_list"),
    path("pick-lists/<int:pk>/close/", views.pick_list_close, name="pick_list_close"),
    path("pack/", views.pack_station, name="pack_station"),
    path("pack/<int:pk>/qc/", views.qc_record, name="qc_record"),
    path("pack/<int:pk>/qc/pass-all/", views.qc_pass_all, name="qc_pass_all"),
    path("pack/<int:pk>/ship/", views.ship, name="ship"),
    path("qc/<int:pk>/photo/", views.qc_photo, name="qc_photo"),
    path("shipments/", views.shipment_list, name="shipments"),
    path("delays/", views.delay_list, name="delays"),
    path("delays/new/", views.delay_new, name="delay_new"),
    path("delays/<int:pk>/apply/", views.delay_apply, name="delay_apply"),
    path("delays/<int:pk>/lift/", views.delay_lift, name="delay_lift"),
    path("problems/", views.problem_list, name="problems"),
    path("problems/new/", views.problem_new, name="problem_new"),
    path("analysis/", views.analysis, name="analysis"),
]
