"""API permission checks (authentication is set up in `shopops.api`)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja.errors import HttpError


def require_perm(request: HttpRequest, *perms: str) -> None:
    """Raise 403 unless the caller has every one of `perms`."""
    if not request.user.has_perms(perms):
        raise HttpError(403, "permission denied: " + ", ".join(perms))
