"""The `shopops` console command: manage.py plus the project's own subcommands.

Subcommands with a dash (`import-orders`, `sales-summary`) map to Django management
commands with an underscore, so `shopops import-orders` runs `import_orders`.
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shopops.settings")
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        settings.INSTALLED_APPS  # noqa: B018 - load the settings: the environment's errors
    except ImproperlyConfigured as exc:
        # A missing or bad variable is the operator's to fix: say which, no traceback.
        sys.stderr.write(f"shopops: {exc}\n")
        raise SystemExit(2) from None

    args = list(sys.argv if argv is None else argv)
    if len(args) > 1 and not args[1].startswith("-"):
        args[1] = args[1].replace("-", "_")
    execute_from_command_line(args)


if __name__ == "__main__":
    main()
