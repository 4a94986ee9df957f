"""App configuration."""

from django.apps import AppConfig


class GridmgrConfig(AppConfig):
    name = "gridmgr"
    verbose_name = "网格管理 / Grid management"
