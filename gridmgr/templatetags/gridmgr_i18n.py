"""Filters that show bilingual data in the active language (see gridmgr.i18n).

{% load gridmgr_i18n %}
{{ issue.get_status_display|local }}   "已上报 / reported" → 已上报 or reported
{{ measure|local }}                    an object or dict with zh and en
{{ error|local }}                      a GeoDataError: error.zh or error.en
{{ layer|local_name }}                 layer.name, or layer.name_en in English
{{ transition.action|step_label }}     a step of the closed loop ("register" → 立案)
{{ zh|local_pair:en }}                two fields of one text (name, name_en)
{{ issue.status|status_label }}        a status code ("reported" → 已上报)
{{ issue.source|source_label }}        an issue's source, {{ note.kind|notice_label }}
{{ party|party_label }}                a responsible party's duty (routing.parties.Party)
{{ entry|who }}                        who did a step of a case's timeline
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext, pgettext

from gridmgr import i18n
from gridmgr.models import Issue, Transition
from gridmgr.models.cases import action_label

register = template.Library()


@register.filter
def local(value: Any) -> str:
    """A bilingual label, pair or error in the active language."""
    return i18n.localise(value)


@register.filter
def local_name(value: Any) -> str:
    """A name with an English twin (name / name_en) in the active language."""
    return i18n.local_name(value)


@register.filter
def step_label(action: str) -> str:
    """The name of a step of a case (its action code) in the active language."""
    return action_label(action)


@register.filter
def local_pair(zh: Any, en: Any) -> str:
    """Two fields of one text, Chinese and English: {{ case.category|local_pair:case.category_en }}."""
    return i18n.local(str(zh or ""), str(en or ""))


@register.filter
def status_label(status: str | None) -> str:
    """An issue status code in the active language; "" for none."""
    if not status:
        return ""
    try:
        return i18n.local_label(Issue.Status(status).label)
    except ValueError:
        return status


@register.filter
def source_label(source: str) -> str:
    """Where an issue came from (its source code) in the active language."""
    return str(i18n.SOURCE_LABELS.get(source, source))


@register.filter
def notice_label(kind: str) -> str:
    """The kind of a notification in the active language."""
    return str(i18n.NOTICE_LABELS.get(kind, kind))


@register.filter
def party_label(party: Any) -> str:
    """A responsible party's duty, and whether it leads, in the active language."""
    territorial = party.duty == "territorial"
    duty = pgettext("party", "属地责任") if territorial else pgettext("party", "主管部门")
    return gettext("%(duty)s，主办") % {"duty": duty} if party.lead else duty


@register.filter
def who(entry: Any) -> str:
    """Who did a timeline entry (casework.timeline.Entry): a login as is; for a step without a
    user, the system's bilingual label or the issue's source, in the active language."""
    if isinstance(entry.item, Transition) and entry.item.actor_id is None:
        source = i18n.SOURCE_LABELS.get(entry.who)
        return str(source) if source is not None else i18n.local_label(entry.who)
    return str(entry.who)
