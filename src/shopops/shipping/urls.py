from django.urls import path  # noqa: F401 - the shipping pages add their paths here

app_name = "shipping"
urlpatterns: list = []
