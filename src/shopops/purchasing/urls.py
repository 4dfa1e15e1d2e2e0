from django.urls import path  # noqa: F401 - the purchasing pages add their paths here

app_name = "purchasing"
urlpatterns: list = []
