"""revoke_api_key NAME|PREFIX [--commit]"""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import CommandError

from gridmgr.management.base import GridCommand
from gridmgr.open311.keys import active_keys, revoke


class Command(GridCommand):
    help = (
        "Revoke the Open311 API keys of the client NAME, or the key starting with PREFIX "
        "(its first 8 characters). Lists them; revokes only with --commit."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        parser.add_argument("name_or_prefix", help="client name, or the key's 8-character prefix")

    def run(self, **options: Any) -> None:
        wanted = options["name_or_prefix"]
        keys = active_keys(wanted)
        if not keys:
            raise CommandError(
                f"没有名称或前缀为 {wanted} 的有效密钥 / no active key named or prefixed {wanted}"
            )
        for key in keys:
            self.stdout.write(f"{key.prefix}…  {key.name}  ({key.created_at:%Y-%m-%d})")
        count = revoke(keys)
        if options.get("commit"):
            self.stdout.write(f"已吊销 {count} 个密钥 / {count} key(s) revoked")
        else:
            self.stdout.write(f"将吊销 {count} 个密钥 / {count} key(s) would be revoked")
