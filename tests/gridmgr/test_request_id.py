"""Every response carries a request id, and the access line on standard error names it."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

pytestmark = pytest.mark.django_db

ID = "X-Request-ID"


def test_a_page_a_404_and_a_refused_nul_each_carry_a_fresh_request_id(client: Client) -> None:
    ids = []
    for path, status in (("/accounts/login/", 200), ("/no-such-page/", 404), ("/?q=%00", 400)):
        response = client.get(path)
        assert response.status_code == status
        ids.append(response[ID])
    assert all(len(rid) == 32 for rid in ids)
    assert len(set(ids)) == 3


def test_api_and_open311_errors_carry_the_request_id(client: Client) -> None:
    assert client.get("/api/me/")[ID]
    assert client.get("/open311/v2/requests/NOPE.json")[ID]


def test_a_sane_incoming_request_id_from_the_front_server_is_kept(client: Client) -> None:
    response = client.get("/accounts/login/", headers={ID: "nginx-7f3c:9a.01_b"})
    assert response[ID] == "nginx-7f3c:9a.01_b"


@pytest.mark.parametrize(
    "hostile",
    ["", "a" * 65, "x y", "id\r\nSet-Cookie: a=b", "<script>", "é", "id;rm", "../../etc"],
)
def test_a_hostile_incoming_request_id_is_replaced(client: Client, hostile: str) -> None:
    response = client.get("/accounts/login/", HTTP_X_REQUEST_ID=hostile)
    assert response[ID] != hostile
    assert len(response[ID]) == 32 and response[ID].isalnum()


def test_each_request_logs_one_access_line_with_id_user_method_path_status_and_duration(
    client: Client, capsys: pytest.CaptureFixture[str]
) -> None:
    user = User.objects.create_user("access-log", password="x")
    client.force_login(user)
    capsys.readouterr()
    response = client.get("/no-such-page/?phone=13800000000")
    lines = [ln for ln in capsys.readouterr().err.splitlines() if "gridmgr.access" in ln]
    assert len(lines) == 1
    line = lines[0]
    assert f"[{response[ID]}]" in line
    assert "GET /no-such-page/ 404 " in line and " ms " in line
    assert f"user={user.pk}" in line
    assert "13800000000" not in line  # the query string may hold personal data: not logged


def test_an_anonymous_request_is_logged_as_anonymous(
    client: Client, capsys: pytest.CaptureFixture[str]
) -> None:
    client.get("/accounts/login/")
    assert "user=anonymous" in capsys.readouterr().err


def test_a_newline_in_the_path_cannot_forge_a_log_line(
    client: Client, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    response = client.get("/x%0A2026-01-01 INFO gridmgr.access [forged] GET /admin/ 200")
    err = capsys.readouterr().err
    lines = [ln for ln in err.splitlines() if "gridmgr.access" in ln]
    assert len(lines) == 1 and f"[{response[ID]}]" in lines[0]
    assert "/x\\x0a2026-01-01" in lines[0]
