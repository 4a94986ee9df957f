"""load_demo on a database that is not empty: it leaves other data alone, and the overview page of
an empty database says there is no data yet. (The loaded demo itself: test_demo.py.)"""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from gridmgr.models import Layer, Region

pytestmark = pytest.mark.django_db


def test_load_demo_once_leaves_a_database_with_other_data_alone() -> None:
    Layer.objects.create(name="其他图层", name_en="Other layer")
    out = StringIO()
    call_command("load_demo", "--commit", "--once", stdout=out)
    assert "holds other data" in out.getvalue()
    assert not Region.objects.exists()


def test_load_demo_refuses_a_database_with_other_data() -> None:
    Layer.objects.create(name="其他图层", name_en="Other layer")
    with pytest.raises(CommandError, match="empty"):
        call_command("load_demo", "--commit", stdout=StringIO(), stderr=StringIO())


def test_overview_renders_without_any_data(admin_client: Client) -> None:
    response = admin_client.get("/overview/")
    assert response.status_code == 200
    assert "系统管理员导入区划与网格" in response.content.decode()
