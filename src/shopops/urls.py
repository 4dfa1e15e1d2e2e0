from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

from shopops.api import api, api_not_found

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="today", permanent=False)),
    path("admin/", admin.site.urls),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("api/v1/<path:rest>", api_not_found),
    path("org/", include("shopops.org.urls")),
    path("catalog/", include("shopops.catalog.urls")),
    # After-sales pages keep the /orders/… addresses they had before the app split.
    path("orders/", include("shopops.aftersales.urls")),
    path("orders/", include("shopops.orders.urls")),
    path("stock/", include("shopops.stock.urls")),
    path("purchasing/", include("shopops.purchasing.urls")),
    path("shipping/", include("shopops.shipping.urls")),
    path("", include("shopops.web.urls")),
]
