"""The audit trail: every service write calls `audit_record` inside its transaction."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction

from shopops.core.actors import Actor, signed_in
from shopops.core.models import AuditEntry


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """Return {field: [old, new]} for the fields whose value changed."""
    return {
        key: [_plain(before.get(key)), _plain(after.get(key))]
        for key in after
        if before.get(key) != after.get(key)
    }


def snapshot(obj: models.Model, fields: list[str]) -> dict[str, Any]:
    return {f: getattr(obj, f) for f in fields}


def audit_record(
    *,
    actor: Actor,
    verb: str,
    obj: models.Model | None = None,
    action: str = AuditEntry.Action.UPDATE,
    changes: dict[str, Any] | None = None,
) -> AuditEntry:
    """Write one audit row. Must run inside the caller's transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record must be called inside a service's transaction")
    return AuditEntry.objects.create(
        actor=signed_in(actor),
        action=action,
        verb=verb,
        content_type=ContentType.objects.get_for_model(obj)
        if obj is not None
        else None,
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:200] if obj is not None else "",
        changes=_plain(changes or {}),
    )


def audit_records(
    *,
    actor: Actor,
    verb: str,
    entries: list[tuple[models.Model, dict[str, Any]]],
    action: str = AuditEntry.Action.UPDATE,
) -> list[AuditEntry]:
    """Write one audit row per (object, changes), in bulk: what `audit_record` writes
    for each, for a set-based service. Must run inside the caller's transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError(
            "audit_records must be called inside a service's transaction"
        )
    by_user = signed_in(actor)
    types: dict[type[models.Model], ContentType] = {}
    rows = []
    for obj, changes in entries:
        kind = type(obj)
        if kind not in types:
            types[kind] = ContentType.objects.get_for_model(obj)
        rows.append(
            AuditEntry(
                actor=by_user,
                action=action,
                verb=verb,
                content_type=types[kind],
                object_id=str(obj.pk),
                object_repr=str(obj)[:200],
                changes=_plain(changes),
            )
        )
    return AuditEntry.objects.bulk_create(rows, batch_size=500)
