"""The admin names models and fields in the interface's language: Chinese under 简体中文, English
under English (verbose names are translations whose message ids are Chinese)."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.gis.geos import Point
from django.db.models import Model
from django.test import Client
from django.urls import reverse
from django.utils import translation

from gridmgr.casework.report import report_issue
from gridmgr.coverage.analysis import analyse
from gridmgr.models import Station
from tests.world import World

CJK = re.compile(r"[\u3400-\u9fff]")
# A form's labels (edit and read-only fields, inlines) and a change list's column headers.
LABEL = re.compile(r"<label[^>]*>(.*?)</label>", re.S)
COLUMN = re.compile(r'<th scope="col" class="[^"]*column-(\w+)[^"]*">(.*?)</th>', re.S)
TAG = re.compile(r"<[^>]+>")
SORT_PRIORITY = re.compile(r"^\d+ ")  # a sorted column's header starts with its rank
# Django's own labels with no Chinese in any language: the primary key, the filter box.
NEUTRAL = {"ID", "ID:"}
MODELS = [m for m in admin.site._registry if m._meta.app_label == "gridmgr"]


@pytest.fixture(autouse=True)
def default_language_after() -> Iterator[None]:
    """A request in English leaves English active in the thread: the next test starts in Chinese."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


def _texts(pattern: re.Pattern[str], page: str) -> list[str]:
    found = (m.groups()[-1] for m in pattern.finditer(page))
    texts = (" ".join(html.unescape(TAG.sub(" ", f)).split()) for f in found)
    return [SORT_PRIORITY.sub("", t) for t in texts if t]


def _client(lang: str) -> Client:
    user = get_user_model().objects.create_superuser("admin-i18n", password="x")
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = lang
    return client


def _pages(model: type[Model]) -> list[str]:
    """The change list and a change form (an add form when there is no row)."""
    name = f"admin:gridmgr_{model._meta.model_name}"
    row = model._default_manager.order_by("pk").first()
    form = reverse(f"{name}_change", args=[row.pk]) if row else reverse(f"{name}_add")
    return [reverse(f"{name}_changelist"), form]


@pytest.fixture
def rows(world: World) -> None:
    """A row of every model the world lacks (snapshot, station, issue): each list has columns."""
    analyse(world.district, [world.grid], commit=True)
    Station.objects.create(name="驻点一", location=Point(*world.gap_centre()))
    report_issue(*world.inside(world.overlap), world.categories["parking"])


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_under_chinese_every_admin_model_and_field_name_is_chinese(
    world: World, rows: None, model: type[Model]
) -> None:
    client = _client("zh-hans")
    with translation.override("zh-hans"):
        title = str(model._meta.verbose_name)
    assert CJK.search(title)
    for url in _pages(model):
        page = client.get(url).content.decode()
        assert title in page and "网格管理 / Grid" not in page, url
        labels = _texts(LABEL, page) + _texts(COLUMN, page)
        assert labels, url
        english_only = [t for t in labels if not CJK.search(t) and t not in NEUTRAL]
        assert english_only == [], url


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_under_english_every_admin_model_and_field_name_is_english(
    world: World, rows: None, model: type[Model]
) -> None:
    client = _client("en")
    with translation.override("en"):
        title = str(model._meta.verbose_name)
    assert not CJK.search(title)
    for url in _pages(model):
        page = client.get(url).content.decode()
        assert title.lower() in page.lower() and "Grid management" in page, url
        assert "网格管理" not in page, url
        chinese = [t for t in _texts(LABEL, page) + _texts(COLUMN, page) if CJK.search(t)]
        assert chinese == [], url


def test_every_model_and_field_of_gridmgr_has_a_name_in_each_language() -> None:
    untranslated = []
    for model in apps.get_app_config("gridmgr").get_models():
        names = [("", model._meta.verbose_name), ("s", model._meta.verbose_name_plural)]
        names += [
            (f.name, f.verbose_name)
            for f in model._meta.get_fields()
            if f.concrete and not f.auto_created and f.name != "pk"
        ]
        for field, name in names:
            with translation.override("zh-hans"):
                zh = str(name)
            with translation.override("en"):
                en = str(name)
            if not CJK.search(zh) or CJK.search(en):
                untranslated.append((model.__name__, field, zh, en))
    assert untranslated == []
