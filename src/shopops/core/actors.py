"""Who a service acts for: `Actor`, the type of every service's `actor` argument.

Services are called with the user of the request (`request.user`, on pages and
endpoints that let only signed-in users through), with a staff member's `user` (the
demo, jobs that act for someone), or with `None` when the system acts (the scheduler's
jobs, imports run from the command line). So the actor is the auth user, not a `Staff`
record: the callers hold the user, the audit trail and every "done by" column store the
user, and `core` (where the audit trail lives) sits below `org`, which owns `Staff`.

`AnonymousUser` is in the type because it is in `request.user`'s: a caller cannot prove
to the type checker that its user signed in. `signed_in(actor)` turns an actor into
what a "done by" column stores: the user, or `None` for the system (an anonymous
actor is recorded as the system, as `core.audit.audit_record` always did).
"""

from __future__ import annotations

from typing import TypeAlias

from django.contrib.auth.models import AnonymousUser, User

Actor: TypeAlias = "User | AnonymousUser | None"


def signed_in(actor: Actor) -> User | None:
    """Return the actor's user when it is signed in; `None` for the system."""
    return None if actor is None or isinstance(actor, AnonymousUser) else actor
