"""App configuration."""

from typing import Any

from django.apps import AppConfig
from django.core import checks
from django.core.management import call_command
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy


def create_cache_table(using: str = "default", **_: Any) -> None:
    """Create the database cache's table (settings.CACHES) after migrate; a no-op if it exists."""
    call_command("createcachetable", database=using, verbosity=0)


class GridmgrConfig(AppConfig):
    name = "gridmgr"
    verbose_name = gettext_lazy("网格管理")

    def ready(self) -> None:
        # Every `migrate` (make setup, a deployment, the test database) ends with the cache table.
        post_migrate.connect(create_cache_table, sender=self)
        from django.contrib.auth.signals import user_login_failed

        from gridmgr.server.lockout import count_failure
        from gridmgr.viewport.basemaps import check_basemap

        user_login_failed.connect(count_failure, dispatch_uid="gridmgr.server.lockout")

        checks.register(check_basemap)
