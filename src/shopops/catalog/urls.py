from django.urls import path

from shopops.catalog import views

app_name = "catalog"
urlpatterns = [
    path("products/", views.product_list, name="products"),
    path("listings/", views.listing_list, name="listings"),
    path("listings/<int:pk>/state/", views.listing_state, name="listing_state"),
]
