"""Pages in the active language: Simplified Chinese by default, English when chosen.

Two kinds of text reach a page:

- the pages' own words (templates, form labels, messages, JavaScript) are marked for gettext
  with the Chinese text as msgid; locale/en holds their English (README: languages);
- text that already carries both languages — domain errors (GeoDataError.zh / .en), the
  bilingual "中文 / English" labels of model choices (Issue.Status, Role, …), objects with
  `zh` and `en` (score units and measures, coverage tables) and names with an English twin
  (Layer.name / name_en, Category.name / name_en) — is shown in the active language by the
  helpers below. Model labels stay bilingual because the CLI, the admin and the exports show
  both; place and people names are data and are never translated.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.functional import lazy
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from geodata.errors import GeoDataError

# What separates the Chinese and the English half of a bilingual label ("已上报 / reported").
SEPARATOR = " / "

# Codes stored without a label: where an issue came from (Issue.source), what a notification was.
SOURCE_LABELS = {
    "grid_worker": pgettext_lazy("source", "网格员巡查"),
    "inspector": pgettext_lazy("source", "督查发现"),
    "citizen": pgettext_lazy("source", "市民上报"),
    "hotline": pgettext_lazy("source", "热线"),
    "video": pgettext_lazy("source", "视频监控"),
    "superior": pgettext_lazy("source", "上级交办"),
    "assessor": pgettext_lazy("source", "考评发现"),
    "staff": pgettext_lazy("source", "工作人员"),
    "import": pgettext_lazy("source", "批量导入"),
    "open311": pgettext_lazy("source", "Open311 接口"),
}
NOTICE_LABELS = {
    "dispatch": _("派遣通知"),
    "reassign": _("改派通知"),
    "rework": _("返工通知"),
    "escalation": _("超期升级通知"),
}


def is_english() -> bool:
    """Whether the active language is English (anything else shows Chinese)."""
    return (get_language() or "").lower().startswith("en")


def js_lang() -> str:
    """The language as the browser libraries name it: "en" or "zh" (Leaflet-Geoman's codes)."""
    return "en" if is_english() else "zh"


def local(zh: str, en: str) -> str:
    """The text in the active language; Chinese when there is no English."""
    return en if en and is_english() else zh


def local_message(exc: GeoDataError) -> str:
    """A domain error's message in the active language."""
    return local(exc.zh, exc.en)


def split_label(label: Any) -> tuple[str, str]:
    """The Chinese and English halves of a bilingual label; a label without both is both."""
    text = str(label)
    zh, sep, en = text.partition(SEPARATOR)
    return (zh.strip(), en.strip()) if sep else (text, text)


def local_label(label: Any) -> str:
    """A bilingual "中文 / English" label (model choices) in the active language."""
    return local(*split_label(label))


local_label_lazy = lazy(local_label, str)


def local_choices(choices: Iterable[tuple[Any, Any]]) -> list[tuple[Any, Any]]:
    """Choices with bilingual labels, their labels shown in the language active at render time."""
    return [(value, local_label_lazy(label)) for value, label in choices]


def local_pair(obj: Any) -> str:
    """An object or dict with `zh` and `en` (a score measure, a coverage column, an error)."""
    if isinstance(obj, dict):
        return local(str(obj.get("zh") or ""), str(obj.get("en") or ""))
    return local(str(getattr(obj, "zh", "") or ""), str(getattr(obj, "en", "") or ""))


def local_name(obj: Any) -> str:
    """The name of an object with an optional English twin (name / name_en): layers, categories."""
    if isinstance(obj, dict):
        return local(str(obj.get("name") or ""), str(obj.get("name_en") or ""))
    return local(str(getattr(obj, "name", "") or ""), str(getattr(obj, "name_en", "") or ""))


def localise(value: Any) -> str:
    """Whatever bilingual value a template holds, in the active language (the `local` filter)."""
    if value is None:
        return ""
    if isinstance(value, GeoDataError):
        return local_message(value)
    if isinstance(value, dict) or (hasattr(value, "zh") and hasattr(value, "en")):
        return local_pair(value)
    return local_label(value)
