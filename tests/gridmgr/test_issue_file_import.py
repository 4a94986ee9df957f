"""An issue file is imported by one core (routing.issue_file), not by the command: called
without the command, it refuses and writes exactly what `import_issues` does."""

from __future__ import annotations

import ast
import io
import re
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from gridmgr.models import Issue, Routing
from gridmgr.routing.issue_file import IssueFile, RowsRefused, import_issue_file
from tests.gridmgr.test_cmd_import_issues import FIELDS, bad_rows, write_csv
from tests.world import World

ROOT = Path(__file__).resolve().parents[2]
COMMAND = ROOT / "gridmgr" / "management" / "commands" / "import_issues.py"


def issue_rows() -> list[tuple]:
    """The written issues and their receipts, ids left out (two imports draw different ids)."""
    issues = Issue.objects.order_by("external_id").values_list(
        "external_id",
        "location",
        "category",
        "department",
        "region",
        "zone",
        "owner",
        "in_overlap",
        "in_blind_spot",
        "source",
        "status",
    )
    receipts = Routing.objects.order_by("issue__external_id", "layer").values_list(
        "issue__external_id", "layer", "zone", "plan", "owner", "rule"
    )
    return [(*row[:1], row[1].wkt, *row[2:]) for row in issues] + list(receipts)


def test_the_core_alone_writes_the_rows_the_command_writes(world: World, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "issues.csv", bad_rows(world))
    call_command(
        "import_issues",
        str(path),
        *FIELDS,
        "--id-field",
        "id",
        "--skip-invalid",
        "--commit",
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )
    by_command = issue_rows()
    Issue.objects.all().delete()
    source = IssueFile(path, "lon", "lat", "category", id_field="id")
    with transaction.atomic():
        report = import_issue_file(source, skip_invalid=True)
    assert issue_rows() == by_command
    assert [r for r, _why in report.refused] == [2, 3, 4, 5]
    assert (report.rows, report.written) == (6, 2)
    assert sorted(Issue.objects.values_list("pk", flat=True)) == sorted(report.issue_ids)


def test_the_core_refuses_the_rows_the_command_refuses(world: World, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "issues.csv", bad_rows(world))
    with pytest.raises(CommandError) as by_command:
        call_command("import_issues", str(path), *FIELDS, "--id-field", "id", "--commit")
    with pytest.raises(RowsRefused) as by_core:
        import_issue_file(IssueFile(path, "lon", "lat", "category", id_field="id"))
    assert by_core.value.en in str(by_command.value).replace(
        " (use --skip-invalid to skip them)", ""
    )
    assert [r for r, _why in by_core.value.refused] == [2, 3, 4, 5]
    assert Issue.objects.count() == 0


def test_the_command_only_parses_arguments_and_prints_the_report() -> None:
    tree = ast.parse(COMMAND.read_text(encoding="utf-8"))
    imported = {
        node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module
    }
    assert imported <= {
        "argparse",
        "typing",
        "gridmgr.management.base",
        "gridmgr.routing.issue_file",
    }
    (command,) = [n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "Command"]
    methods = {n.name for n in command.body if isinstance(n, ast.FunctionDef)}
    assert methods == {"add_arguments", "run"}


def test_no_routing_module_reaches_back_into_the_commands() -> None:
    found = [
        str(path.relative_to(ROOT))
        for path in sorted((ROOT / "gridmgr" / "routing").rglob("*.py"))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.ImportFrom | ast.Import)
        for name in (
            [node.module or ""]
            if isinstance(node, ast.ImportFrom)
            else [a.name for a in node.names]
        )
        if name.startswith("gridmgr.management") or name.startswith("django.core.management")
    ]
    assert found == []


# "Intake" is one case coming in (docs/DOMAIN.md, collect, report, intake); a file is an import.
BULK_INTAKE = re.compile(r"bulk intake|intake of issues|\w+ as intake\b|import\w*\(\w*intake", re.I)


def test_intake_is_never_said_of_a_bulk_import() -> None:
    texts = [ROOT / "README.md", ROOT / "docs" / "DOMAIN.md"] + [
        path
        for folder in ("gridmgr", "bench", "tests")
        for path in sorted((ROOT / folder).rglob("*.py"))
        if path != Path(__file__).resolve()
    ]
    found = [
        f"{path.relative_to(ROOT)}: {m.group()}"
        for path in texts
        for m in BULK_INTAKE.finditer(path.read_text(encoding="utf-8"))
    ]
    assert found == []
