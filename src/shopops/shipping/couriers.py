"""The couriers a shipment can go with, and the shape of each one's tracking numbers.

A courier is stored by its code (``SF``, ``ZTO`` …). The order keeps the name the seller
center uses (``中通快递``), because that is what the marketplaces' order reports carry
and what the bulk-shipping CSV must say.

Tracking-number formats (checked after removing spaces and upper-casing):

======  =========================================  ====================================
code    pattern                                    meaning
======  =========================================  ====================================
SF      ``^SF\\d{12,13}$``                          "SF" and 12 or 13 digits
ZTO     ``^[75]\\d{11,14}$``                        12 to 15 digits, starting 7 or 5
YTO     ``^YT\\d{13}$``                             "YT" and 13 digits
YUNDA   ``^(\\d{13}|\\d{15})$``                      13 or 15 digits
STO     ``^(77|88|66|55)\\d{10,13}$``               12 to 15 digits, starting 77, 88, 66
                                                   or 55 (today's waybills are 15 digits
                                                   starting 77; older ones 12 or 13)
EMS     ``^(E[A-Z]\\d{9}CN|1\\d{12})$``              the UPU form (EA123456789CN) or 13
                                                   digits starting 1
JT      ``^JT\\d{13}$``                             "JT" and 13 digits
JD      ``^JD[A-Z0-9]{13,15}$``                     "JD" and 13 to 15 letters or digits
======  =========================================  ====================================
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class Courier(models.TextChoices):
    SF = "SF", _("顺丰速运")
    ZTO = "ZTO", _("中通快递")
    YTO = "YTO", _("圆通速递")
    YUNDA = "YUNDA", _("韵达快递")
    STO = "STO", _("申通快递")
    EMS = "EMS", _("邮政EMS")
    JT = "JT", _("极兔速递")
    JD = "JD", _("京东快递")


# The company names the seller center's bulk-shipping upload takes (never translated).
SELLER_CENTER_NAMES: dict[str, str] = {
    Courier.SF: "顺丰速运",
    Courier.ZTO: "中通快递",
    Courier.YTO: "圆通速递",
    Courier.YUNDA: "韵达快递",
    Courier.STO: "申通快递",
    Courier.EMS: "邮政EMS",
    Courier.JT: "极兔速递",
    Courier.JD: "京东快递",
}

# Other names the marketplaces' order reports use for the same courier.
ALIASES: dict[str, tuple[str, ...]] = {
    Courier.SF: ("顺丰快递", "顺丰", "SF"),
    Courier.ZTO: ("中通", "ZTO"),
    Courier.YTO: ("圆通快递", "圆通", "YTO"),
    Courier.YUNDA: ("韵达速递", "韵达", "YUNDA"),
    Courier.STO: ("申通", "STO"),
    Courier.EMS: ("EMS", "中国邮政", "邮政快递包裹", "EMS经济快递"),
    Courier.JT: ("极兔快递", "极兔", "J&T", "JT"),
    Courier.JD: ("京东物流", "京东", "JD"),
}

TRACKING_PATTERNS: dict[str, re.Pattern[str]] = {
    Courier.SF: re.compile(r"^SF\d{12,13}$"),
    Courier.ZTO: re.compile(r"^[75]\d{11,14}$"),
    Courier.YTO: re.compile(r"^YT\d{13}$"),
    Courier.YUNDA: re.compile(r"^(\d{13}|\d{15})$"),
    Courier.STO: re.compile(r"^(77|88|66|55)\d{10,13}$"),
    Courier.EMS: re.compile(r"^(E[A-Z]\d{9}CN|1\d{12})$"),
    Courier.JT: re.compile(r"^JT\d{13}$"),
    Courier.JD: re.compile(r"^JD[A-Z0-9]{13,15}$"),
}

# What the pack station tells the clerk a number of that courier looks like.
TRACKING_HINTS: dict[str, Promise] = {
    Courier.SF: _("SF + 12–13 位数字"),
    Courier.ZTO: _("7 或 5 开头的 12–15 位数字"),
    Courier.YTO: _("YT + 13 位数字"),
    Courier.YUNDA: _("13 或 15 位数字"),
    Courier.STO: _("77/88/66/55 开头的 12–15 位数字"),
    Courier.EMS: _("E?123456789CN 或 1 开头的 13 位数字"),
    Courier.JT: _("JT + 13 位数字"),
    Courier.JD: _("JD + 13–15 位字母或数字"),
}

_SPACES = re.compile(r"[\s\-]+")


def seller_center_name(courier: str) -> str:
    """Return the seller center's name of a courier code."""
    return SELLER_CENTER_NAMES[courier]


def names_of(courier: str) -> tuple[str, ...]:
    """Return every name an order may carry for `courier` (seller-center name first)."""
    return (SELLER_CENTER_NAMES[courier], *ALIASES[courier])


def courier_from_name(name: str) -> str:
    """Return the courier code of a name an order carries, or "" when unknown."""
    text = name.strip()
    if text.upper() in Courier.values:
        return text.upper()
    for code in Courier.values:
        if text in names_of(code):
            return code
    return ""


def courier_check(courier: str) -> str:
    """Return the courier code, refusing an unknown one."""
    code = courier.strip().upper()
    if code not in Courier.values:
        raise ValidationError(gettext("未知快递公司：%s") % courier)
    return code


def tracking_no_normalize(tracking_no: str) -> str:
    """Return the number without spaces or dashes, upper-cased (as scanners differ)."""
    return _SPACES.sub("", tracking_no).upper()


def tracking_no_check(courier: str, tracking_no: str) -> str:
    """Return the normalised tracking number; refuse one that is not `courier`'s."""
    code = courier_check(courier)
    number = tracking_no_normalize(tracking_no)
    if not number:
        raise ValidationError(gettext("请填写运单号"))
    if not TRACKING_PATTERNS[code].fullmatch(number):
        raise ValidationError(
            gettext("运单号 %(no)s 不是%(courier)s的格式（%(hint)s）")
            % {
                "no": number[:40],
                "courier": Courier(code).label,
                "hint": TRACKING_HINTS[code],
            }
        )
    return number
