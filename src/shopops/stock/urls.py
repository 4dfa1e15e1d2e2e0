from django.urls import path  # noqa: F401 - the stock pages add their paths here

app_name = "stock"
urlpatterns: list = []
