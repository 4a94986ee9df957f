"""demo_admin: the demo's superuser `admin`, created or reset idempotently, and how to log in."""

import os
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

USERNAME = "admin"
# A demo password, printed on purpose: set DEMO_ADMIN_PASSWORD for anything but a local demo.
DEFAULT_PASSWORD = "gridmgr-demo"
LOGIN_URL = "http://127.0.0.1:8000/admin/"


class Command(BaseCommand):
    help = "Create (or reset) the demo superuser 'admin' and print the login URL and password."

    def handle(self, *args: Any, **options: Any) -> None:
        password = os.environ.get("DEMO_ADMIN_PASSWORD") or DEFAULT_PASSWORD
        user, created = get_user_model().objects.get_or_create(username=USERNAME)
        user.is_staff = user.is_superuser = user.is_active = True
        if created or not user.check_password(password):
            user.set_password(password)
        user.save()
        verb = "已创建 / created" if created else "已存在 / exists"
        self.stdout.write(f"管理员账号 {verb}: {USERNAME}")
        self.stdout.write(f"  登录 / log in: {LOGIN_URL}")
        self.stdout.write(f"  用户名 / username: {USERNAME}")
        self.stdout.write(f"  密码 / password: {password}")
