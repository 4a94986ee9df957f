"""A case record's action has one name, shown by every page that lists steps (case sheet, map
panel, timeline, the step form): models.cases.ACTION_NAMES, translated by action_label."""

from django.utils import translation

from gridmgr.casework.lifecycle import STEPS
from gridmgr.models.cases import ACTION_NAMES, action_label, action_name


def test_every_step_of_the_loop_takes_its_name_from_the_one_table() -> None:
    assert set(STEPS) <= set(ACTION_NAMES)
    assert {code: step.zh for code, step in STEPS.items()} == {
        code: ACTION_NAMES[code] for code in STEPS
    }


def test_the_records_the_system_writes_have_names_too() -> None:
    assert action_name("report") == "上报"
    assert action_name("escalate") == "超期升级"
    assert action_name("no-such-action") == "no-such-action"


def test_a_label_follows_the_active_language() -> None:
    with translation.override("zh-hans"):
        assert action_label("register") == "立案"
    with translation.override("en"):
        assert action_label("register") != "立案"
        assert action_label("escalate") != "超期升级"
