"""Tracking numbers are checked against their courier's format."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from shopops.shipping.couriers import (
    Courier,
    courier_from_name,
    tracking_no_check,
)

VALID = [
    (Courier.SF, "SF1234567890123"),
    (Courier.SF, "SF123456789012"),
    (Courier.ZTO, "781234567890123"),
    (Courier.ZTO, "531234567890"),
    (Courier.YTO, "YT1234567890123"),
    (Courier.YUNDA, "4312345678901"),
    (Courier.YUNDA, "431234567890123"),
    (Courier.STO, "773123456789012"),
    (Courier.STO, "881234567890"),
    (Courier.EMS, "EA123456789CN"),
    (Courier.EMS, "1123456789012"),
    (Courier.JT, "JT1234567890123"),
    (Courier.JD, "JDVA12345678901"),
    (Courier.JD, "JD0123456789ABCDE"),
]

INVALID = [
    (Courier.SF, "SF12345678901"),  # 11 digits
    (Courier.SF, "781234567890123"),  # a ZTO number
    (Courier.ZTO, "681234567890123"),  # starts with 6
    (Courier.ZTO, "78123456789"),  # 11 digits
    (Courier.ZTO, "7812345678901234"),  # 16 digits
    (Courier.YTO, "YT123456789012"),  # 12 digits
    (Courier.YTO, "1234567890123"),
    (Courier.YUNDA, "43123456789012"),  # 14 digits
    (Courier.YUNDA, "YD1234567890123"),
    (Courier.STO, "993123456789012"),  # wrong prefix
    (Courier.STO, "77312345678"),  # 11 digits
    (Courier.EMS, "EA123456789US"),  # not China
    (Courier.EMS, "9812345678901"),  # a parcel-post number, not EMS
    (Courier.JT, "JT123456789012"),
    (Courier.JD, "JD123456789012"),  # 12 characters after JD
    (Courier.JD, "JDVA1234567890!"),
]


@pytest.mark.parametrize(("courier", "number"), VALID)
def test_a_number_of_the_couriers_format_is_taken(courier, number):
    assert tracking_no_check(courier, number) == number


@pytest.mark.parametrize(("courier", "number"), INVALID)
def test_a_number_of_another_format_is_refused(courier, number):
    with pytest.raises(ValidationError, match="格式"):
        tracking_no_check(courier, number)


def test_scanner_spaces_dashes_and_case_are_normalised():
    assert tracking_no_check("sf", " sf 1234-5678-90123 ") == "SF1234567890123"


def test_an_empty_number_or_unknown_courier_is_refused():
    with pytest.raises(ValidationError, match="运单号"):
        tracking_no_check(Courier.SF, "  ")
    with pytest.raises(ValidationError, match="未知快递"):
        tracking_no_check("UPS", "1Z999AA10123456784")


def test_every_courier_has_a_format():
    for code in Courier.values:
        with pytest.raises(ValidationError):
            tracking_no_check(code, "X")


@pytest.mark.parametrize(
    ("name", "code"),
    [("中通快递", "ZTO"), ("中通", "ZTO"), ("顺丰速运", "SF"), ("中国邮政", "EMS"),
     ("极兔速递", "JT"), ("jd", "JD"), ("某某快运", "")],
)  # fmt: skip
def test_order_courier_names_map_to_codes(name, code):
    assert courier_from_name(name) == code
