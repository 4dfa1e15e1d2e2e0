"""API authentication (session or bearer token) and permission checks."""

from __future__ import annotations

import hashlib
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja.errors import HttpError
from ninja.security import HttpBearer, django_auth


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        from shopops.org.models import ApiToken

        digest = hashlib.sha256(token.encode()).hexdigest()
        found = ApiToken.objects.select_related("user").filter(key_hash=digest).first()
        if found is None or not found.user.is_active:
            return None
        ApiToken.objects.filter(pk=found.pk).update(last_used_at=timezone.now())
        request.user = found.user
        return found.user


AUTH = [django_auth, TokenAuth()]


def require_perm(request: HttpRequest, *perms: str) -> None:
    """Raise 403 unless the caller has every one of `perms`."""
    if not request.user.has_perms(perms):
        raise HttpError(403, "permission denied: " + ", ".join(perms))
