"""demo_admin prints the address `make run` serves, whatever HOST and PORT it was given."""

from __future__ import annotations

import re
import subprocess
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from gridmgr.management.commands.demo_admin import site_url

ROOT = Path(__file__).resolve().parents[2]


def printed_addresses(**options: object) -> set[str]:
    out = StringIO()
    call_command("demo_admin", stdout=out, **options)
    return set(re.findall(r"https?://[^/\s]+", out.getvalue()))


@pytest.mark.django_db
@pytest.mark.usefixtures("world")
def test_the_given_host_and_port_are_printed_and_the_default_is_the_makefile_one() -> None:
    assert printed_addresses(host="192.168.10.5", port=8331) == {"http://192.168.10.5:8331"}
    assert printed_addresses() == {"http://127.0.0.1:8000"}


def test_every_interface_is_reached_on_this_machine_and_ipv6_is_bracketed() -> None:
    assert site_url("0.0.0.0", 9000) == "http://127.0.0.1:9000"
    assert site_url("::", 9000) == "http://127.0.0.1:9000"
    assert site_url("::1", 9000) == "http://[::1]:9000"
    assert site_url("localhost", 9000) == "http://localhost:9000"


def test_make_run_passes_its_host_and_port_to_demo_admin() -> None:
    recipe = subprocess.run(
        ["make", "-n", "run", "HOST=10.0.0.7", "PORT=8123"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin"},
    ).stdout
    assert "manage.py demo_admin --host 10.0.0.7 --port 8123" in recipe
    assert "runserver 10.0.0.7:8123" in recipe
