from django.urls import path

from shopops.catalog import views

app_name = "catalog"
urlpatterns = [
    path("products/", views.product_list, name="products"),
    path("products/import/", views.product_import, name="product_import"),
    path(
        "products/import/template.xlsx",
        views.product_import_template,
        name="product_import_template",
    ),
    path("listings/", views.listing_list, name="listings"),
    path("listings/<int:pk>/state/", views.listing_state, name="listing_state"),
]
