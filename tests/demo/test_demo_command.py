"""`shopops demo` on a database that holds something already."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from shopops.core.models import AuditEntry
from shopops.org.models import Department, Shop


def test_refuses_to_build_beside_a_login_it_would_make(db: None) -> None:
    get_user_model().objects.create_user("ops_manager")
    with pytest.raises(CommandError, match="--reset"):
        call_command("demo", "--scale", "small", stdout=io.StringIO())
    # One transaction: nothing of the half-built demo is left.
    assert not Shop.objects.exists()
    assert not Department.objects.exists()
    assert not AuditEntry.objects.filter(verb="demo.build").exists()


def test_print_logins_on_an_empty_database(db: None) -> None:
    out = io.StringIO()
    call_command("demo", "--if-empty", "--print-logins", "--scale", "small", stdout=out)
    assert Shop.objects.count() == 2
    assert "ops_manager" in out.getvalue()
