"""Authentication for the API: a bearer token, else the browser's session.

Only a token's SHA-256 is stored. The two ways differ on CSRF:

- A **bearer token** is no ambient credential: a browser never adds an `Authorization`
  header on its own, so a forged cross-site request cannot carry one. A request with a
  valid token is therefore not subject to CSRF, and a request that names a bearer token
  is judged by that token alone: a wrong or revoked one is 401, never a fall-back to the
  session (nor a CSRF 403).
- The **session cookie** is ambient: a signed-in browser sends it with any request, so a
  session-authenticated POST/PUT/PATCH/DELETE must carry the CSRF token as the pages do
  (`X-CSRFToken` header or `csrfmiddlewaretoken`), or it is 403. A request with no
  session and no token is 401: there is nothing to forge.

`api_auth()` is the list every NinjaAPI of the project takes as `auth=`.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError
from ninja.security import APIKeyCookie, HttpBearer

from shopops.org import selectors


def token_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class TokenAuth(HttpBearer):
    """`Authorization: Bearer <token>`; once named, the token alone decides."""

    def __call__(self, request: HttpRequest) -> Any:
        value = request.headers.get(self.header, "")
        if value.split(" ", 1)[0].lower() != self.openapi_scheme:
            return None  # no bearer token: the session decides
        return super().__call__(request)

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = (
            selectors.api_token_get(token_digest(token.strip()))
            if token.strip()
            else None
        )
        if found is None or not found.user.is_active:
            raise AuthenticationError(message=_("API 令牌无效、已吊销，或其用户已停用"))
        # Imported here: org.services imports token_digest from this module.
        from shopops.org.services import api_token_touch

        api_token_touch(token=found)
        request.user = found.user
        return found.user


class SessionAuth(APIKeyCookie):
    """Django's session, with Django's CSRF check for a signed-in browser's writes."""

    param_name: str = settings.SESSION_COOKIE_NAME

    def _get_key(self, request: HttpRequest) -> str | None:
        if not request.user.is_authenticated:
            return None  # no session to ride on: 401, not a CSRF 403
        return super()._get_key(request)  # checks CSRF on unsafe methods

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        return request.user if request.user.is_authenticated else None


def api_auth() -> list[Any]:
    """The API's authentication, token first (see the module's docstring)."""
    return [TokenAuth(), SessionAuth()]
