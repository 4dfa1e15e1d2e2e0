from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from shopops.org import selectors, services
from shopops.org.forms import ShopForm


@login_required
@permission_required("org.view_shop", raise_exception=True)
def shop_list(request: HttpRequest) -> HttpResponse:
    return render(request, "org/shops.html", {"shops": selectors.shop_list()})


@login_required
@permission_required("org.add_shop", raise_exception=True)
def shop_new(request: HttpRequest) -> HttpResponse:
    form = ShopForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            shop = services.shop_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("已新建店铺：%s") % shop.name)
            return redirect("org:shops")
    return render(request, "org/shop_form.html", {"form": form})


@login_required
@permission_required("org.view_staff", raise_exception=True)
def staff_list(request: HttpRequest) -> HttpResponse:
    return render(request, "org/staff.html", {"staff": selectors.staff_list()})
