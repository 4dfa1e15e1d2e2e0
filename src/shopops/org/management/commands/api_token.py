"""`shopops api-token create --user USERNAME --name NAME`: issue an API bearer token."""

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from shopops.org.models import ApiToken
from shopops.org.services import api_token_create


class Command(BaseCommand):
    help = "Issue an API token for a user (printed once), or list the tokens."

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="issue a token")
        create.add_argument("--user", required=True, help="username")
        create.add_argument("--name", required=True, help="what the token is for")
        sub.add_parser("list", help="list the tokens")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "list":
            for token in ApiToken.objects.select_related("user").order_by("pk"):
                used = token.last_used_at.isoformat() if token.last_used_at else "-"
                self.stdout.write(
                    f"{token.pk}\t{token.user.username}\t{token.name}\t{used}"
                )
            return
        user = get_user_model().objects.filter(username=options["user"]).first()
        if user is None:
            raise CommandError(f"no user {options['user']!r}")
        _token, secret = api_token_create(actor=None, user=user, name=options["name"])
        self.stdout.write(secret)
        self.stderr.write(
            "Keep it: the token is shown only once. Send it as "
            "'Authorization: Bearer <token>'."
        )
