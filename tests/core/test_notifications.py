"""Notifications: the in-app inbox and the outside channels (email, WeCom, DingTalk)."""

import io
import json

import pytest

from shopops.core import notifications
from shopops.core.models import Notification, NotificationChannel
from shopops.core.notifications import (
    deliver,
    notification_mark_read,
    notify,
    notify_roles,
    robot_payload,
    users_with_role,
)
from shopops.core.roles import Role

pytestmark = pytest.mark.django_db

WECOM_URL = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=test-key"
DINGTALK_URL = "https://oapi.dingtalk.com/robot/send?access_token=test-token"


class FakeResponse(io.BytesIO):
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


class Robot(list):
    """The posts a fake robot webhook received; it answers with `answer`."""

    def __init__(self) -> None:
        super().__init__()
        self.answer = {"errcode": 0, "errmsg": "ok"}

    def urlopen(self, request, timeout=None):
        self.append(
            {
                "url": request.full_url,
                "method": request.get_method(),
                "headers": dict(request.header_items()),
                "json": json.loads(request.data),
                "timeout": timeout,
            }
        )
        return FakeResponse(json.dumps(self.answer).encode())


@pytest.fixture
def robot_posts(monkeypatch):
    robot = Robot()
    monkeypatch.setattr(notifications.urllib.request, "urlopen", robot.urlopen)
    return robot


@pytest.fixture
def staff_by_role(make_staff):
    return {
        Role.LOGISTICS: make_staff(Role.LOGISTICS, email="wuliu@example.com").user,
        Role.OPS_MANAGER: make_staff(Role.OPS_MANAGER, email="yy@example.com").user,
        Role.DESIGNER: make_staff(Role.DESIGNER).user,
    }


def test_notify_roles_puts_one_row_in_each_inbox_of_the_roles(staff_by_role, shop):
    rows = notify_roles(
        roles=[Role.LOGISTICS, Role.OPS_MANAGER],
        title="订单扣留",
        url="/org/shops/",
        target=shop,
        body="3 单缺货",
    )

    assert len(rows) == 2
    logistics = Notification.objects.get(recipient=staff_by_role[Role.LOGISTICS])
    assert (logistics.title, logistics.body, logistics.url) == (
        "订单扣留",
        "3 单缺货",
        "/org/shops/",
    )
    assert logistics.read_at is None
    # every notification points at its record
    assert logistics.target == shop
    assert not Notification.objects.filter(recipient=staff_by_role[Role.DESIGNER])


def test_users_with_role_leaves_out_inactive_people(make_staff):
    active = make_staff(Role.FINANCE).user
    gone = make_staff(Role.FINANCE).user
    gone.is_active = False
    gone.save()

    assert list(users_with_role(Role.FINANCE)) == [active]


def test_notify_sends_one_row_per_person_even_when_listed_twice(staff_by_role):
    officer = staff_by_role[Role.LOGISTICS]

    rows = notify(recipients=[officer, officer], title="x", url="/today/")

    assert len(rows) == 1


def test_wecom_robot_gets_its_text_message_json(robot_posts):
    channel = NotificationChannel.objects.create(
        name="物流群", kind=NotificationChannel.Kind.WECOM, webhook_url=WECOM_URL
    )

    deliver(channel, {"title": "职责到时", "body": "LOG-1.1", "url": "/today/"})

    (post,) = robot_posts
    assert post["url"] == WECOM_URL
    assert post["method"] == "POST"
    assert post["headers"]["Content-type"] == "application/json"
    assert post["json"] == {
        "msgtype": "text",
        "text": {"content": "职责到时\nLOG-1.1\n/today/"},
    }
    assert post["timeout"]


def test_dingtalk_robot_gets_its_text_message_json(robot_posts):
    channel = NotificationChannel.objects.create(
        name="运营群", kind=NotificationChannel.Kind.DINGTALK, webhook_url=DINGTALK_URL
    )

    deliver(channel, {"title": "职责逾期", "body": "", "url": "/duties/overview/"})

    (post,) = robot_posts
    assert post["url"] == DINGTALK_URL
    assert post["json"] == {
        "msgtype": "text",
        "text": {"content": "职责逾期\n\n/duties/overview/"},
        "at": {"isAtAll": False},
    }


@pytest.mark.parametrize(
    "kind", [NotificationChannel.Kind.WECOM, NotificationChannel.Kind.DINGTALK]
)
def test_robot_answering_an_error_code_raises(robot_posts, kind):
    robot_posts.answer.update(errcode=310000, errmsg="keywords not in content")
    channel = NotificationChannel.objects.create(
        name="群", kind=kind, webhook_url=DINGTALK_URL
    )

    with pytest.raises(RuntimeError, match="310000"):
        deliver(channel, {"title": "t", "url": "/"})


def test_robot_payload_has_the_title_body_and_link():
    payload = {"title": "标题", "body": "内容", "url": "/x/"}

    assert robot_payload(NotificationChannel.Kind.WECOM, payload)["text"][
        "content"
    ] == ("标题\n内容\n/x/")


def test_email_channel_sends_to_the_recipients_addresses(mailoutbox):
    channel = NotificationChannel.objects.create(
        name="邮件", kind=NotificationChannel.Kind.EMAIL
    )

    deliver(
        channel,
        {
            "title": "职责逾期",
            "body": "LOG-1.1",
            "url": "/duties/overview/",
            "emails": ["a@example.com"],
        },
    )

    (mail,) = mailoutbox
    assert mail.subject == "职责逾期"
    assert mail.to == ["a@example.com"]
    assert "/duties/overview/" in mail.body


def test_email_channel_without_addresses_sends_nothing(mailoutbox):
    channel = NotificationChannel.objects.create(
        name="邮件", kind=NotificationChannel.Kind.EMAIL
    )

    deliver(channel, {"title": "t", "url": "/", "emails": []})

    assert mailoutbox == []


def test_channels_deliver_only_once_the_transaction_commits(
    staff_by_role, robot_posts, mailoutbox, django_capture_on_commit_callbacks
):
    # Given a WeCom robot for logistics, a DingTalk robot for design, and email for all
    NotificationChannel.objects.create(
        name="物流群", kind="wecom", webhook_url=WECOM_URL, roles=[Role.LOGISTICS]
    )
    NotificationChannel.objects.create(
        name="美工群", kind="dingtalk", webhook_url=DINGTALK_URL, roles=[Role.DESIGNER]
    )
    NotificationChannel.objects.create(name="邮件", kind="email")
    NotificationChannel.objects.create(
        name="停用", kind="wecom", webhook_url=WECOM_URL, active=False
    )

    # When logistics is notified inside a transaction
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notify_roles(roles=[Role.LOGISTICS], title="职责到时：LOG-1.1", url="/today/")

    # Then nothing left the building before the commit
    assert robot_posts == []
    assert mailoutbox == []
    assert len(callbacks) == 1

    # and on commit the logistics robot and the email go out; design's robot stays quiet
    callbacks[0]()
    assert [p["url"] for p in robot_posts] == [WECOM_URL]
    assert robot_posts[0]["json"]["text"]["content"].startswith("职责到时：LOG-1.1")
    (mail,) = mailoutbox
    assert mail.to == ["wuliu@example.com"]


def test_a_rolled_back_step_sends_nothing(
    staff_by_role, robot_posts, django_capture_on_commit_callbacks
):
    from django.db import transaction

    NotificationChannel.objects.create(name="群", kind="wecom", webhook_url=WECOM_URL)

    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                notify_roles(roles=[Role.LOGISTICS], title="t", url="/today/")
                raise RuntimeError("the step failed")
        except RuntimeError:
            pass

    assert robot_posts == []
    assert not Notification.objects.exists()


def test_no_channel_means_no_commit_callback(
    staff_by_role, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        notify_roles(roles=[Role.LOGISTICS], title="t", url="/today/")

    assert callbacks == []


def test_mark_read_marks_one_or_every_unread_notification_of_the_user(staff_by_role):
    officer = staff_by_role[Role.LOGISTICS]
    ops = staff_by_role[Role.OPS_MANAGER]
    first, second = (notify(recipients=[officer], title=t, url="/")[0] for t in "ab")
    (others,) = notify(recipients=[ops], title="c", url="/")

    # someone else's notification cannot be marked
    assert notification_mark_read(user=officer, notification_id=others.pk) == 0
    assert notification_mark_read(user=officer, notification_id=first.pk) == 1
    assert notification_mark_read(user=officer, notification_id=first.pk) == 0
    assert notification_mark_read(user=officer) == 1

    assert not Notification.objects.filter(recipient=officer, read_at=None).exists()
    assert Notification.objects.get(pk=others.pk).read_at is None
    assert second.pk
