"""Every main page in one language at a time: Simplified Chinese by default, English when chosen.

In Chinese a page shows its Chinese labels and no English words but data, codes and a few
names (gridmgr, WGS84, file formats); in English it shows its English labels and no Chinese but
data (places, people, zones, plans and categories, as stored). Text is read as a person sees it:
text nodes and the title, placeholder, aria-label and alt attributes, without scripts.
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from pytest_django.fixtures import Settings

from gridmgr.casework.loop import apply
from gridmgr.editor.drafts import draft_from_active
from gridmgr.models import (
    Category,
    Issue,
    Layer,
    Notification,
    Owner,
    Plan,
    Region,
    Station,
    Transition,
    Zone,
)
from tests.gridmgr.casework_cases import cases, client_of, number
from tests.loop import People
from tests.world import World

CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]+")
WORD = re.compile(r"[A-Za-z][A-Za-z0-9_'-]{2,}")
# English on the Chinese pages that is no UI text: the product, the switcher, formats, standards.
ENGLISH_ALLOWED = {
    "gridmgr",
    "English",
    "WGS84",
    "CGCS2000",  # coordinate systems by their standard names and EPSG codes
    "EPSG",
    "Excel",
    "PDF",
    "XLSX",
    "GeoJSON",
    "GeoPackage",
    "HTML",
    "API",
    "Open311",
    "MIT",
    "bj-subdistricts",
    "registered_at",
    "Shift",  # a key of the keyboard (the zone editor's box selection)
}
# Chinese on the English pages that is no UI text: the switcher's own name.
CHINESE_ALLOWED = {"中文"}


class _Text(HTMLParser):
    """The text a reader meets: text nodes and a few attributes, scripts and styles left out."""

    ATTRIBUTES = ("title", "placeholder", "aria-label", "alt")

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        self.parts += [v for k, v in attrs if k in self.ATTRIBUTES and v]

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def visible(html: str) -> str:
    reader = _Text()
    reader.feed(html)
    return "\n".join(reader.parts)


def data_text() -> str:
    """Everything the database holds that a page may show as is (names, codes, comments)."""
    values: list[str] = []
    for model, fields in (
        (Region, ("name", "code")),
        (Owner, ("name", "organisation")),
        (Zone, ("name", "code")),
        (Plan, ("name",)),
        (Layer, ("name",)),
        (Category, ("name", "code")),
        (Issue, ("tracking_number",)),
        (Station, ("name", "address")),
        (Issue, ("description", "address", "reporter_name")),
        (Transition, ("comment", "actor_label")),
        (Notification, ("message",)),
    ):
        for row in model.objects.values_list(*fields):
            values += [str(v) for v in row if v]
    return "\n".join(values)


@pytest.fixture
def site(world: World, people: People) -> Iterator[dict[str, str]]:
    """The pages to read, with a case that has a history, a tracking number and a report."""
    cache.clear()
    found = cases(world)
    issue = found.s3_rubbish
    apply(issue, "register", people.centre, comment="情况属实")
    apply(issue, "dispatch", people.centre)
    issue.refresh_from_db()
    march = "start=2026-03-01&end=2026-03-31"
    draft = draft_from_active("2027 草稿", [world.grid], people.centre)
    yield {
        "overview": "/overview/",
        "login": "/accounts/login/",
        "password": "/accounts/password_change/",
        "map": "/map/",
        "issues": "/issues/",
        "issue map": "/issues/map/",
        "detail": f"/issues/{issue.pk}/",
        "blind": f"/issues/{found.blind.pk}/",
        "report": "/report/",
        "track": f"/track/?number={number(issue)}",
        "coverage": "/coverage/",
        "scores": f"/scores/?unit=sector&{march}",
        "scores of workers": f"/scores/?unit=grid_worker&{march}",
        "editor": "/editor/",
        "zone editor": f"/editor/?plan={draft.pk}&layer={world.grid.pk}",
    }
    cache.clear()


def get(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


# Labels each page shows in Chinese and, in English, their translation.
LABELS = {
    "overview": [("行政区划", "Regions"), ("网格方案", "Zone plans"), ("生效区域", "Active zones")],
    "login": [("用户名", "Username"), ("密码", "Password"), ("登录", "Log in")],
    "password": [("原密码", "Old password"), ("确认新密码", "Confirm the new password")],
    "map": [("图层", "Layers"), ("行政区划", "Regions"), ("盲区", "Blind spots")],
    "issues": [("受理编号", "Tracking number"), ("办理时限", "Due"), ("仅超期", "Overdue only")],
    "issue map": [("问题地图", "Issue map"), ("列表查看", "Show as a list")],
    "detail": [("分派回执", "Routing receipt"), ("过程记录", "Timeline"), ("派遣通知", "Dispatch")],
    "blind": [("盲区（属地兜底）", "blind spot (territorial fallback)")],
    "report": [("问题位置", "Where is it?"), ("使用我的位置", "Use my location")],
    "track": [("办理过程", "Progress"), ("已派遣", "dispatched")],
    "coverage": [("覆盖汇总", "Summary by layer"), ("盲区清单", "Blind spots")],
    "scores": [("综合评价", "Scoreboard"), ("按期结案率", "on-time closure rate")],
    "scores of workers": [("网格员评价", "Scores by grid worker")],
    "editor": [("选择一个草稿方案", "Pick a draft plan"), ("基于当前方案新建草稿", "New draft")],
    "zone editor": [
        ("工具", "Tools"),
        ("清除选择", "Clear selection"),
        ("搜索现有责任人", "Search owners"),
        ("预览与启用", "Preview & activate"),
        ("草稿", "Draft"),  # the plan's status
        ("网格员", "Grid worker"),  # a role to choose for the owner
    ],
}
# Pages a citizen reaches without logging in.
PUBLIC = {"login", "report", "track"}


def client_for(page: str, people: People, language: str | None) -> Client:
    client = Client() if page in PUBLIC else client_of(people.centre)
    if language is not None:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


@pytest.mark.parametrize("page", list(LABELS))
def test_a_page_is_in_chinese_only_by_default(
    site: dict[str, str], people: People, page: str
) -> None:
    html = get(client_for(page, people, None), site[page])
    text = visible(html)
    assert '<html lang="zh-hans">' in html
    for zh, _ in LABELS[page]:
        assert zh in text, (page, zh)
    data = data_text() + "\n" + "\n".join(usernames(people))
    english = {w for w in WORD.findall(text) if w not in ENGLISH_ALLOWED and w not in data}
    assert not english, (page, sorted(english))


@pytest.mark.parametrize("page", list(LABELS))
def test_a_page_is_in_english_only_when_chosen(
    site: dict[str, str], people: People, page: str
) -> None:
    html = get(client_for(page, people, "en"), site[page])
    text = visible(html)
    assert '<html lang="en">' in html
    for _, en in LABELS[page]:
        assert en in text, (page, en)
    data = data_text()
    chinese = {run for run in CJK.findall(text) if run not in CHINESE_ALLOWED and run not in data}
    assert not chinese, (page, sorted(chinese))


def usernames(people: People) -> list[str]:
    """The logins of the test's people (the top bar shows the user's)."""
    return [u.get_username() for u in vars(people).values() if hasattr(u, "get_username")]


def test_dates_and_numbers_follow_the_language(site: dict[str, str], people: People) -> None:
    issue = Issue.objects.exclude(dispatched_at=None).get()
    zh = visible(get(client_for("detail", people, None), site["detail"]))
    en = visible(get(client_for("detail", people, "en"), site["detail"]))
    assert issue.reported_at is not None
    reported = issue.reported_at.astimezone(dt.timezone(dt.timedelta(hours=8)))
    assert f"{reported:%Y-%m-%d %H:%M}" in zh
    assert f"{reported.day} {reported:%b %Y %H:%M}" in en
    # Areas are grouped by thousands in both languages (the mini-district is ~4 km²).
    for language in (None, "en"):
        cover = visible(get(client_for("coverage", people, language), site["coverage"]))
        assert re.search(r"\d{1,3}(,\d{3})+\.\d m²", cover), cover[:500]


def test_the_browser_language_does_not_switch_the_pages(db: None, client: Client) -> None:
    html = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="zh-hans">' in html and "用户名" in html


def test_the_switcher_sets_the_language_and_comes_back(db: None, client: Client) -> None:
    page = client.get("/report/").content.decode()
    assert 'action="/i18n/setlang/"' in page and 'name="next" value="/report/"' in page
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/report/"})
    assert response.status_code == 302 and response["Location"] == "/report/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert "Report a problem" in client.get("/report/").content.decode()
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/report/"})
    assert "市民上报" in client.get("/report/").content.decode()


def test_the_api_still_answers_in_the_language_its_client_asks(
    people: People, client: Client
) -> None:
    """Machine clients keep Accept-Language for field messages; the error's summary carries
    both languages (`detail` "中文 / English", `zh`, `en`) whatever they ask."""
    client.force_login(people.centre)
    bad = {"lon": "far", "lat": "away", "category": "0101"}
    post = {"path": "/api/issues/", "data": bad, "content_type": "application/json"}
    english = client.post(**post, HTTP_ACCEPT_LANGUAGE="en").json()
    chinese = client.post(**post).json()
    assert CJK.search(chinese["lon"][0]) and not CJK.search(english["lon"][0])
    for body in (english, chinese):
        assert body["detail"] == f"{body['zh']} / {body['en']}"
        assert CJK.search(body["zh"]) and not CJK.search(body["en"])


def test_the_javascript_catalogue_follows_the_language(db: None, client: Client) -> None:
    chinese = client.get("/jsi18n/").content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get("/jsi18n/").content.decode()
    assert "failed to load" in english and "failed to load" not in chinese


def test_the_pdf_export_follows_the_language_of_the_page(
    world: World, people: People, settings: Settings, tmp_path: Path
) -> None:
    settings.GRIDMGR_COVERAGE_EXPORT_DIR = tmp_path / "exports"
    settings.GRIDMGR_COVERAGE_EXPORT_SYNC = True
    cache.clear()
    texts = {}
    for language in ("zh-hans", "en"):
        client = client_of(people.centre)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        job = client.post(
            "/coverage/export/", {"region": world.district.code, "layer": "", "format": "pdf"}
        ).json()
        status = client.get(job["status_url"]).json()
        assert status["state"] == "done", status
        path = tmp_path / f"{language}.pdf"
        path.write_bytes(b"".join(client.get(status["download_url"]).streaming_content))
        texts[language] = subprocess.run(
            ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True
        ).stdout
    assert "网格覆盖报告" in texts["zh-hans"] and "盲区清单" in texts["zh-hans"]
    assert "grid coverage report" in texts["en"] and "Blind spots" in texts["en"]
    assert "网格覆盖报告" not in texts["en"] and "Blind spots" not in texts["zh-hans"]
    assert re.search(r"第\s*1\s*/\s*\d+\s*页", texts["zh-hans"])  # the page footer
    assert re.search(r"page\s+1\s+of\s+\d+", texts["en"])
    assert "盲区" in texts["zh-hans"] and "blind spot" in texts["en"]  # the map's legend


def test_the_zone_editor_counts_a_drafts_zones_in_the_language(
    site: dict[str, str], people: People
) -> None:
    draft = Plan.objects.get(name="2027 草稿")
    n = draft.zones.count()
    zh = visible(get(client_for("editor", people, None), site["editor"]))
    en = visible(get(client_for("editor", people, "en"), site["editor"]))
    assert f"{n:,} 个区域" in zh and f"{n:,} zones" in en
