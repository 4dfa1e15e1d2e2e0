"""Jobs. They only call services, and every one is idempotent."""

from typing import Any

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from shopops.core import notifications, services
from shopops.core.models import NotificationChannel


@db_periodic_task(crontab(minute="*"))
def duty_tick() -> list[str]:
    """Every minute: run the duties whose time has come (see `services.duties_tick`)."""
    return services.duties_tick()


@db_task(retries=3, retry_delay=60)
def deliver_notification(channel_id: int, payload: dict[str, Any]) -> None:
    channel = NotificationChannel.objects.filter(pk=channel_id, active=True).first()
    if channel is not None:
        notifications.deliver(channel, payload)
