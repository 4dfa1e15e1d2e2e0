"""Notifications: an inbox row per person, then the configured channels.

`notify()` runs inside a service's transaction; the outside deliveries (email, group
robots) are queued with `transaction.on_commit`, so a rolled-back step sends nothing.
"""

from __future__ import annotations

import json
import logging
import urllib.request
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.mail import send_mail
from django.db import models, transaction
from django.utils import timezone

from shopops.core.models import Notification, NotificationChannel

log = logging.getLogger(__name__)


def users_with_role(*roles: str, shift: str = "") -> models.QuerySet[Any]:
    """Return the active users whose role group is one of `roles` (and, for customer
    service, of one shift)."""
    users = get_user_model().objects.filter(is_active=True, groups__name__in=roles)
    if shift:
        users = users.filter(staff__shift=shift)
    return users.distinct()


def notify(
    *,
    recipients: Iterable[Any],
    title: str,
    url: str,
    target: models.Model | None = None,
    body: str = "",
    roles: Iterable[str] = (),
) -> list[Notification]:
    """Put a notification in each recipient's inbox and send it through the channels
    configured for `roles` once the transaction commits."""
    content_type = (
        ContentType.objects.get_for_model(target) if target is not None else None
    )
    object_id = str(target.pk) if target is not None else ""
    rows = [
        Notification(
            recipient=user,
            title=title[:200],
            body=body,
            url=url,
            content_type=content_type,
            object_id=object_id,
        )
        for user in {u.pk: u for u in recipients}.values()
    ]
    Notification.objects.bulk_create(rows)
    role_set = set(roles)
    emails = [u.email for u in {r.recipient for r in rows} if u.email]
    channel_ids = [
        c.pk
        for c in NotificationChannel.objects.filter(active=True)
        if not c.roles or role_set & set(c.roles)
    ]
    if channel_ids:
        payload = {"title": title, "body": body, "url": url, "emails": emails}
        transaction.on_commit(lambda: _deliver_later(channel_ids, payload))
    return rows


def notify_roles(
    *, roles: Iterable[str], shift: str = "", **kwargs: Any
) -> list[Notification]:
    roles = list(roles)
    return notify(
        recipients=users_with_role(*roles, shift=shift), roles=roles, **kwargs
    )


def _deliver_later(channel_ids: list[int], payload: dict[str, Any]) -> None:
    from shopops.core.tasks import deliver_notification

    for channel_id in channel_ids:
        deliver_notification(channel_id, payload)


def robot_payload(kind: str, payload: dict[str, Any]) -> dict[str, Any]:
    """Return the JSON body that WeCom's or DingTalk's group robot webhook takes."""
    text = f"{payload['title']}\n{payload.get('body', '')}\n{payload['url']}".strip()
    if kind == NotificationChannel.Kind.WECOM:
        return {"msgtype": "text", "text": {"content": text}}
    return {"msgtype": "text", "text": {"content": text}, "at": {"isAtAll": False}}


def deliver(channel: NotificationChannel, payload: dict[str, Any]) -> None:
    """Send one notification through one channel (called by the job)."""
    if channel.kind == NotificationChannel.Kind.EMAIL:
        if payload.get("emails"):
            send_mail(
                subject=payload["title"],
                message=f"{payload.get('body', '')}\n\n{payload['url']}",
                from_email=settings.DEFAULT_FROM_EMAIL,
                recipient_list=payload["emails"],
            )
        return
    body = json.dumps(robot_payload(channel.kind, payload)).encode()
    request = urllib.request.Request(  # noqa: S310 - the URL is an admin-set https webhook
        channel.webhook_url, data=body, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        answer = json.loads(response.read() or b"{}")
    if answer.get("errcode", 0) != 0:
        raise RuntimeError(f"{channel.name}: robot answered {answer}")


def notification_mark_read(*, user: Any, notification_id: int | None = None) -> int:
    """Mark one (or every) unread notification of `user` read; return how many."""
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_id is not None:
        qs = qs.filter(pk=notification_id)
    return qs.update(read_at=timezone.now())
