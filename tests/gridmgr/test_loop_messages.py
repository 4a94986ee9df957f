"""The messages of the notifying steps, written once (casework.notify) for the loop, the
escalation job and the demo history: pinned here, word for word, without a database."""

from __future__ import annotations

from gridmgr.casework.notify import dispatched_message, escalated_message, rework_message
from gridmgr.models import Category, Issue, Owner
from tests.loop import at

CASE = Issue(
    tracking_number="261127ABCD1234",
    category=Category(name="暴露垃圾", name_en="Exposed rubbish", code="E0105"),
)


def test_a_dispatch_tells_the_party_its_role_and_the_deadline_in_city_time() -> None:
    assert dispatched_message(CASE, "属地 / territorial owner", at(2026, 11, 27, 16, 30)) == (
        "案件 261127ABCD1234（暴露垃圾）已派至您，身份：属地 / territorial owner，"
        "办理时限 2026-11-27 16:30 / case 261127ABCD1234 is yours as "
        "属地 / territorial owner; due 2026-11-27 16:30"
    )


def test_a_dispatch_without_a_deadline_says_so_with_a_dash() -> None:
    assert "办理时限 — / " in dispatched_message(CASE, "主管部门 / department", None)
    assert dispatched_message(CASE, "主管部门 / department", None).endswith("; due —")


def test_a_rework_tells_the_handler_the_verifiers_reason() -> None:
    assert rework_message(CASE, "现场仍有残留") == (
        "案件 261127ABCD1234 核查未通过，请返工：现场仍有残留 / "
        "case 261127ABCD1234 failed verification, rework: 现场仍有残留"
    )


def test_an_escalation_names_the_level_the_owner_and_the_passed_deadline() -> None:
    owner = Owner(name="朝阳门街道办事处")
    assert escalated_message(CASE, 2, owner, at(2026, 11, 26, 9)) == (
        "案件 261127ABCD1234（暴露垃圾）已超期（时限 2026-11-26 09:00），升级至第 2 级：朝阳门街道办事处\n"
        "Case 261127ABCD1234 (Exposed rubbish) is overdue (due 2026-11-26 09:00); "
        "escalated to level 2: 朝阳门街道办事处"
    )
