"""create_api_key NAME"""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from gridmgr.open311.errors import Open311Error
from gridmgr.open311.keys import issue_key


class Command(BaseCommand):
    help = (
        "Create an Open311 API key for the client NAME and print it once. It is stored at once "
        "(only its SHA-256 hash): there is no dry run, since a key printed but not stored would "
        "be useless. Revoke it with revoke_api_key."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("name", help="who the key is for, e.g. the app or the hotline vendor")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            key, raw = issue_key(options["name"])
        except Open311Error as exc:
            raise CommandError(str(exc)) from exc
        # The key alone on stdout, so that scripts can capture it; notices go to stderr.
        self.stdout.write(raw)
        self.stderr.write(
            f"已为 {key.name} 创建密钥 {key.prefix}…，只显示这一次，请妥善保存"
            f" / key {key.prefix}… created for {key.name}: shown only this once, store it now"
        )
