from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "shopops.org"
    label = "org"
    verbose_name = _("组织")

    def ready(self) -> None:
        from shopops.org.permissions import sync_role_groups_after_migrate

        # Groups need the permission rows that Django creates after migrating each app;
        # syncing after every app's migration (idempotent) sees the last app's too.
        post_migrate.connect(sync_role_groups_after_migrate, dispatch_uid="role_groups")
