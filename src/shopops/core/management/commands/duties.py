"""`shopops duties [--json] [--role ROLE]`: the duty registry."""

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from shopops.core.duties import registry
from shopops.core.roles import Role


class Command(BaseCommand):
    help = "Print every duty of the registry: ID, role, schedule, implemented."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--json", action="store_true", help="print a JSON list")
        parser.add_argument(
            "--role", choices=Role.values, help="only this role's duties"
        )

    def handle(self, *args: Any, json: bool, role: str | None, **options: Any) -> None:
        duties = [d for d in registry if role is None or d.role == role]
        if role is not None and not duties:
            raise CommandError(f"no duties for role {role}")
        rows: list[dict[str, Any]] = [
            {
                "id": d.id,
                "role": d.role,
                "title_zh": d.title_zh,
                "title_en": d.title_en,
                "schedule": d.schedule.as_dict(),
                "is_group": d.is_group,
                "implemented": registry.is_implemented(d),
            }
            for d in duties
        ]
        if json:
            self.stdout.write(_dumps(rows))
            return
        width = max(len(r["id"]) for r in rows)
        for r in rows:
            schedule = "" if r["is_group"] else r["schedule"]["text"]
            mark = "yes" if r["implemented"] else "-"
            self.stdout.write(
                f"{r['id']:<{width}}  {r['role']:<17} {schedule:<38} {mark:<4} {r['title_en']}"
            )


def _dumps(rows: list[dict[str, Any]]) -> str:
    return json.dumps(rows, ensure_ascii=False, indent=2)
