"""The duty registry against seed/duties.md, and the `shopops duties` command."""

import json
import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from shopops.core.duties import Duty, Schedule, ScheduleKind, registry
from shopops.core.roles import Role, Shift

SEED = Path(__file__).resolve().parents[3] / "shared" / "seed" / "duties.md"
SEED_ITEM = re.compile(r"^\s*[-*]\s+((?:OPS|MKT|LOG|ART|CS|FIN)-\d+(?:\.\d+)?)\b")

# Which roles may own a duty, by the prefix of its ID (the seed's sections).
PREFIX_ROLES = {
    "OPS": {Role.OPS_MANAGER},
    "MKT": {Role.MARKETING},
    "LOG": {
        Role.LOGISTICS,
        Role.SHIPPING,
    },  # "logistics officer (with the shipping clerk)"
    "ART": {Role.DESIGN_LEAD, Role.DESIGNER},  # "design lead (with the designers)"
    "CS": {Role.CUSTOMER_SERVICE},
    "FIN": {Role.FINANCE},
}


@pytest.fixture(scope="module")
def seed_ids() -> list[str]:
    if not SEED.exists():
        pytest.skip(f"{SEED} is not on this machine")
    ids = [
        m.group(1)
        for line in SEED.read_text(encoding="utf-8").splitlines()
        if (m := SEED_ITEM.match(line))
    ]
    assert len(ids) > 80, "the seed parser found too few duty IDs"
    return ids


def duties_json(*args: str) -> list[dict]:
    out = StringIO()
    call_command("duties", "--json", *args, stdout=out)
    return json.loads(out.getvalue())


def test_every_seed_duty_is_registered_with_a_role_of_its_section(seed_ids):
    missing = [duty_id for duty_id in seed_ids if duty_id not in registry]
    assert missing == []
    wrong_role = {
        duty_id: registry.get(duty_id).role
        for duty_id in seed_ids
        if registry.get(duty_id).role not in PREFIX_ROLES[duty_id.split("-")[0]]
    }
    assert wrong_role == {}


def test_registry_holds_no_duty_that_the_seed_does_not_list(seed_ids):
    assert {d.id for d in registry} - set(seed_ids) == set()


def test_seed_duties_with_sub_duties_are_groups_and_the_rest_are_leaves(seed_ids):
    parents = {duty_id.rsplit(".", 1)[0] for duty_id in seed_ids if "." in duty_id}
    for duty_id in seed_ids:
        duty = registry.get(duty_id)
        assert duty.is_group is (duty_id in parents), duty_id
        if "." in duty_id:
            assert duty.parent == duty_id.rsplit(".", 1)[0]


@pytest.mark.parametrize(
    ("duty_id", "kind", "text"),
    [
        ("LOG-1.1", ScheduleKind.DAILY, "daily 18:00"),
        ("LOG-4.2", ScheduleKind.DAILY, "daily 10:00,20:00"),
        ("LOG-4.3", ScheduleKind.DAILY, "daily 11:00"),
        ("CS-1", ScheduleKind.WINDOW, "daily 20:00-21:00"),
        ("LOG-2.5", ScheduleKind.CONTINUOUS, "continuous (working days)"),
        ("LOG-1.4", ScheduleKind.MONTHLY, "monthly day 1 09:00"),
    ],
)
def test_seed_times_are_the_registered_schedules(duty_id, kind, text):
    schedule = registry.get(duty_id).schedule
    assert schedule.kind == kind
    assert str(schedule) == text


def test_every_weekly_report_falls_due_once_a_week():
    weekly_reports = [
        d for d in registry.leaves() if d.title_en.lower().startswith("weekly report")
    ]
    assert weekly_reports
    assert {d.schedule.kind for d in weekly_reports} == {ScheduleKind.WEEKLY}


def test_every_leaf_duty_has_chinese_and_english_titles():
    for duty in registry.leaves():
        assert duty.title_zh, duty.id
        assert duty.title_en, duty.id
        assert duty.title_zh != duty.title_en, duty.id


def test_evening_shift_duty_shows_only_to_the_evening_shift():
    evening = {d.id for d in registry.for_role(Role.CUSTOMER_SERVICE, Shift.EVENING)}
    pre_sale = {d.id for d in registry.for_role(Role.CUSTOMER_SERVICE, Shift.PRE_SALE)}

    assert "CS-1" in evening
    assert "CS-1" not in pre_sale
    assert pre_sale < evening


def test_for_role_lists_leaves_in_id_order():
    ids = [d.id for d in registry.for_role(Role.LOGISTICS)]
    assert "LOG-1" not in ids
    assert ids.index("LOG-1.4") < ids.index("LOG-2.2") < ids.index("LOG-4.1")


def test_registering_a_duty_twice_is_refused():
    with pytest.raises(ValueError, match="twice"):
        registry.register(
            Duty(
                "LOG-1.1", Role.LOGISTICS, "重复", "Duplicate", Schedule.daily("18:00")
            )
        )


def test_an_unknown_duty_id_is_a_key_error():
    with pytest.raises(KeyError, match="XYZ-9"):
        registry.get("XYZ-9")


def test_duties_json_lists_every_seed_duty_with_its_role_schedule_and_state(seed_ids):
    rows = duties_json()

    by_id = {row["id"]: row for row in rows}
    assert set(seed_ids) <= set(by_id)
    for row in rows:
        assert {"id", "role", "schedule", "implemented"} <= set(row)
        assert row["role"] in Role.values
        assert isinstance(row["implemented"], bool)
    assert by_id["LOG-1.1"]["schedule"]["times"] == ["18:00"]
    assert by_id["CS-1"]["schedule"]["until"] == "21:00"


def test_duties_json_says_implemented_only_where_a_feature_plugs_in():
    by_id = {row["id"]: row for row in duties_json()}

    # The catalog serves LOG-4.1 (items in the warehouse or flagged for violation).
    assert by_id["LOG-4.1"]["implemented"] is True
    # A duty is implemented exactly when a worklist serves it; a group, all its leaves.
    for duty in registry:
        assert by_id[duty.id]["implemented"] is registry.is_implemented(duty)
        if not duty.is_group:
            assert by_id[duty.id]["implemented"] is (duty.worklist is not None)
    # Most of the seed is for later issues.
    implemented = sum(row["implemented"] for row in by_id.values())
    assert implemented < len(by_id)


def test_duties_json_by_role_lists_only_that_role():
    rows = duties_json("--role", "finance")
    assert {row["id"] for row in rows} == {"FIN-1", "FIN-2"}


def test_duties_table_prints_one_line_per_duty():
    out = StringIO()
    call_command("duties", stdout=out)
    lines = out.getvalue().splitlines()
    assert len(lines) == len(registry)
    assert any(line.startswith("LOG-4.1") and " yes " in line for line in lines)


def test_duties_with_an_unknown_role_is_a_command_error():
    with pytest.raises(CommandError):
        call_command("duties", "--role", "astronaut", stdout=StringIO())
