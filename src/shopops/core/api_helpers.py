"""What every app's API shares: field types, the answer to a service's refusal, and
fetching one object or 404."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Annotated, Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db.models import Model, QuerySet
from ninja.errors import HttpError
from pydantic import AfterValidator, BeforeValidator, Field

from shopops.core.money import money_str

M = TypeVar("M", bound=Model)


def no_nul(value: str) -> str:
    """Refuse NUL characters: PostgreSQL cannot store them."""
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return value


def _as_money_str(value: object) -> object:
    return money_str(value) if isinstance(value, Decimal) else value


# Money out: a decimal string with two places.
MoneyOut = Annotated[str, BeforeValidator(_as_money_str)]
# Money in: a decimal ("12.50" or 12.5), at most two places, never a float in Python.
MoneyIn = Annotated[Decimal, Field(max_digits=14, decimal_places=2, ge=0)]
# Text in: no NUL character, bounded like its column.
Short = Annotated[str, Field(max_length=300), AfterValidator(no_nul)]
Long = Annotated[str, Field(max_length=5000), AfterValidator(no_nul)]
# A row's id in a path or a filter: bounded like the column (SQLite cannot even bind a
# larger integer), so a wild number is refused with a message, not a server error.
MAX_ID = 2**63 - 1
Id = Annotated[int, Field(ge=1, le=MAX_ID)]


def username(user: Any) -> str | None:
    return user.username if user is not None else None


@contextmanager
def service_errors() -> Iterator[None]:
    """Turn a service's refusal into the HTTP answer: 403, or 422 with its message."""
    try:
        yield
    except PermissionDenied as exc:
        raise HttpError(403, str(exc) or "permission denied") from exc
    except ValidationError as exc:
        raise HttpError(422, "; ".join(exc.messages)) from exc


def get_or_404(
    rows: QuerySet[M] | type[M], pk: int, what: str, *, status: int = 404
) -> M:
    """Return the row `pk` of `rows`, or answer `status` ("<what> <pk> not found").

    `rows` is a selector's queryset (with what the answer needs loaded) or, for a plain
    lookup by id, the model itself, as Django's `get_object_or_404` takes it; `status`
    is 422 when the id came in the body rather than the path."""
    qs = rows._default_manager.all() if isinstance(rows, type) else rows
    try:
        return qs.get(pk=pk)
    except ObjectDoesNotExist:
        raise HttpError(status, f"{what} {pk} not found") from None
