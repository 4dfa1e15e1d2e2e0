from typing import Any

from django.http import HttpRequest

from shopops.core.roles import Role
from shopops.core.selectors import unread_count
from shopops.web.navigation import nav_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    if not user.is_authenticated:
        return {}
    staff = getattr(user, "staff", None)
    name = staff.name if staff else (user.get_full_name() or user.get_username())
    role_label = (
        Role(staff.role).label if staff else ("admin" if user.is_superuser else "")
    )
    return {
        "nav": {
            "display_name": name,
            "initial": name[:1].upper(),
            "role_label": role_label,
            "unread": unread_count(user),
            "items": nav_for(user, request.path),
        }
    }
