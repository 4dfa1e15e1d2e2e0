import io

from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from shopops.catalog import selectors, services
from shopops.catalog.forms import ListingStateForm, ProductImportForm
from shopops.catalog.importers.products import PRODUCT_SPEC, product_template_xlsx
from shopops.catalog.models import Listing, Product
from shopops.core.views import post_service, query_int
from shopops.org.selectors import shop_choices

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
@permission_required("catalog.view_product", raise_exception=True)
def product_list(request: HttpRequest) -> HttpResponse:
    qs = selectors.product_list(
        search=request.GET.get("q", "").strip(),
        category_id=query_int(request.GET.get("category")),
        status=request.GET.get("status", ""),
    ).order_by("code")  # Meta.ordering is dropped by the Count annotation
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "catalog/products.html",
        {
            "page": page,
            "categories": selectors.category_choices(),
            "statuses": Product.Status.choices,
            "filters": request.GET,
        },
    )


@login_required
@permission_required("catalog.add_product", raise_exception=True)
@require_http_methods(["GET", "POST"])
def product_import(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = ProductImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            report = services.product_import(
                actor=request.user, file=upload, filename=upload.name
            )
            return render(
                request,
                "catalog/product_import_report.html",
                {"report": report, "filename": upload.name},
            )
    else:
        form = ProductImportForm()
    return render(
        request,
        "catalog/product_import.html",
        {"form": form, "columns": PRODUCT_SPEC.columns},
    )


@login_required
@permission_required("catalog.add_product", raise_exception=True)
def product_import_template(request: HttpRequest) -> FileResponse:
    return FileResponse(
        io.BytesIO(product_template_xlsx()),
        as_attachment=True,
        filename="product-import-template.xlsx",
        content_type=XLSX_CONTENT_TYPE,
    )


@login_required
@permission_required("catalog.view_listing", raise_exception=True)
def listing_list(request: HttpRequest) -> HttpResponse:
    if request.GET.get("attention"):
        qs = selectors.listings_needing_attention()
    else:
        qs = selectors.listing_list(
            shop_id=query_int(request.GET.get("shop")),
            state=request.GET.get("state", ""),
        )
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "catalog/listings.html",
        {
            "page": page,
            "shops": shop_choices(),
            "states": Listing.State.choices,
            "filters": request.GET,
        },
    )


@login_required
@permission_required("catalog.change_listing", raise_exception=True)
@require_POST
def listing_state(request: HttpRequest, pk: int) -> HttpResponse:
    listing = get_object_or_404(Listing, pk=pk)
    form = ListingStateForm(request.POST)

    def set_state() -> str:
        services.listing_set_state(
            actor=request.user, listing=listing, **form.cleaned_data
        )
        return _("已更新：%s") % listing.title

    # `next` is followed only to a path on this site
    return post_service(request, set_state, form=form, to="catalog:listings", back=True)
