"""The Django admin: every model of the foundation's apps is there and its pages open."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

FOUNDATION_APPS = ["core", "org", "catalog", "customers"]
FOUNDATION_MODELS = [
    model
    for label in FOUNDATION_APPS
    for model in apps.get_app_config(label).get_models()
]


@pytest.mark.parametrize("model", FOUNDATION_MODELS, ids=lambda m: m._meta.label)
def test_every_foundation_model_is_in_the_admin(model):
    assert admin.site.is_registered(model)


@pytest.mark.django_db
@pytest.mark.parametrize("model", FOUNDATION_MODELS, ids=lambda m: m._meta.label)
def test_admin_list_and_add_pages_open_for_a_superuser(
    client, django_user_model, make_staff, shop, model
):
    make_staff("logistics")
    client.force_login(
        django_user_model.objects.create_superuser("root", "root@example.com", "x")
    )
    opts = model._meta

    changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    assert client.get(changelist).status_code == 200
    assert client.get(changelist + "?q=x").status_code == 200
    # an admin may refuse adding (the audit trail is written by services only)
    add = reverse(f"admin:{opts.app_label}_{opts.model_name}_add")
    assert client.get(add).status_code in (200, 403)
