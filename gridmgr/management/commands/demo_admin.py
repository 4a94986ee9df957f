"""demo_admin: the demo's superuser and one login per role, created or reset idempotently."""

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandParser

from gridmgr.demo.accounts import ensure_demo_accounts
from gridmgr.models import AccountRole

USERNAME = "admin"
# A demo password, printed on purpose: set DEMO_ADMIN_PASSWORD for anything but a local demo.
DEFAULT_PASSWORD = "gridmgr-demo"


def site_url(host: str, port: int) -> str:
    """The address a browser on this machine opens for a server bound to host:port."""
    if host in ("0.0.0.0", "", "::", "[::]"):  # every interface: this machine reaches it locally
        host = "127.0.0.1"
    elif ":" in host and not host.startswith("["):
        host = f"[{host}]"  # an IPv6 address in a URL
    return f"http://{host}:{port}"


class Command(BaseCommand):
    help = "Create (or reset) the demo superuser 'admin' and one account per role; print logins."

    def add_arguments(self, parser: CommandParser) -> None:
        # `make run` passes its HOST and PORT, so the printed address is the one it serves.
        parser.add_argument("--host", default="127.0.0.1", help="host the app is served on")
        parser.add_argument("--port", type=int, default=8000, help="port the app is served on")

    def handle(self, *args: Any, **options: Any) -> None:
        site = site_url(options["host"], options["port"])
        password = settings.DEMO_ADMIN_PASSWORD or DEFAULT_PASSWORD
        user, created = get_user_model().objects.get_or_create(username=USERNAME)
        user.is_staff = user.is_superuser = user.is_active = True
        if created or not user.check_password(password):
            user.set_password(password)
        user.save()
        out = self.stdout.write
        out(f"登录 / log in: {site}/accounts/login/   后台 / admin: {site}/admin/")
        out(f"密码（所有演示账号）/ password (every demo account): {password}")
        out(f"  {USERNAME:<11} 系统管理员 / administrator (superuser)")
        for acc in ensure_demo_accounts(password):
            label = AccountRole(acc.role).label
            out(f"  {acc.username:<11} {label} — {acc.owner} ({acc.note})")
