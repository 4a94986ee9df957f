"""demo_admin: the demo's superuser and one login per role, created or reset idempotently."""

import os
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from gridmgr.models import AccountRole
from gridmgr.services.demo_accounts import ensure_demo_accounts

USERNAME = "admin"
# A demo password, printed on purpose: set DEMO_ADMIN_PASSWORD for anything but a local demo.
DEFAULT_PASSWORD = "gridmgr-demo"
SITE = "http://127.0.0.1:8000"


class Command(BaseCommand):
    help = "Create (or reset) the demo superuser 'admin' and one account per role; print logins."

    def handle(self, *args: Any, **options: Any) -> None:
        password = os.environ.get("DEMO_ADMIN_PASSWORD") or DEFAULT_PASSWORD
        user, created = get_user_model().objects.get_or_create(username=USERNAME)
        user.is_staff = user.is_superuser = user.is_active = True
        if created or not user.check_password(password):
            user.set_password(password)
        user.save()
        out = self.stdout.write
        out(f"登录 / log in: {SITE}/accounts/login/   后台 / admin: {SITE}/admin/")
        out(f"密码（所有演示账号）/ password (every demo account): {password}")
        out(f"  {USERNAME:<11} 系统管理员 / administrator (superuser)")
        for acc in ensure_demo_accounts(password):
            label = AccountRole(acc.role).label
            out(f"  {acc.username:<11} {label} — {acc.owner} ({acc.note})")
