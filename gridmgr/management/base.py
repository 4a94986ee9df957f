"""Shared parts of gridmgr's commands: dry runs unless --commit, readers' options, errors."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from tqdm import tqdm

from geodata.errors import GeoDataError
from geodata.readers import Feature, read_features


class DryRun(Exception):
    """Raised to roll back a command run without --commit."""


def coord_sys(options: dict[str, Any]) -> str:
    """The web-map coordinate system chosen on the command line."""
    if options.get("gcj02"):
        return "gcj02"
    if options.get("bd09"):
        return "bd09"
    return str(options.get("coord_sys") or "wgs84")


class GridCommand(BaseCommand):
    """A command that writes only with --commit, and reports errors in both languages."""

    writes = True

    def add_arguments(self, parser: ArgumentParser) -> None:
        if self.writes:
            parser.add_argument(
                "--commit", action="store_true", help="write the changes (default: dry run)"
            )

    def add_reader_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("path", help="GeoJSON, Shapefile, GeoPackage or KML file")
        parser.add_argument("--srid", type=int, help="EPSG code of projected input")
        parser.add_argument("--encoding", help="attribute encoding (Shapefile: UTF-8 or GBK)")
        parser.add_argument("--gcj02", action="store_true", help="input is in GCJ-02")
        parser.add_argument("--bd09", action="store_true", help="input is in BD-09")
        parser.add_argument(
            "--repair", action="store_true", help="repair invalid polygons and report each repair"
        )

    def read(self, options: dict[str, Any]) -> list[Feature]:
        return read_features(
            options["path"],
            srid=options.get("srid"),
            coord_sys=coord_sys(options),
            encoding=options.get("encoding"),
            max_features=settings.GRIDMGR_IMPORT_MAX_FEATURES,
        )

    def progress(self, items: Any, **kwargs: Any) -> Any:
        """A progress bar on stderr for long work (silent when not a terminal)."""
        return tqdm(items, file=self.stderr._out, disable=None, **kwargs)  # type: ignore[call-overload]

    def handle(self, *args: Any, **options: Any) -> None:
        commit = options.get("commit", False)
        try:
            with transaction.atomic():
                self.run(**options)
                if self.writes and not commit:
                    raise DryRun
        except DryRun:
            # Notices go to stderr: stdout may be carrying the command's data (--output -).
            self.stderr.write(
                "试运行：未写入任何数据，加 --commit 写入 / dry run: nothing written; add --commit"
            )
        except GeoDataError as exc:
            raise CommandError(str(exc)) from exc
        except OSError as exc:
            # The readers check their input first; this is what slips past them (a file that
            # vanishes or an output that cannot be written): a message, never a traceback.
            name, why = exc.filename or "", exc.strerror or exc
            raise CommandError(
                f"无法读写文件 {name}：{why} / cannot read or write {name}: {why}"
            ) from exc
        else:
            if self.writes:
                self.stderr.write(self.style.SUCCESS("已写入 / committed"))

    def run(self, **options: Any) -> None:
        raise NotImplementedError
