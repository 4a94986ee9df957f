"""Cases with known timestamps in the shared world, for the scoreboard tests.

Period: March 2026, Asia/Shanghai. Places: a whole cell of 景山 (sector S1, 网格员S1), a whole
cell of 东四 (S2, 网格员S2), and the 东四 gap (sector S2; its unit-grid receipt falls back to
the territorial owner 东四街道办事处). Rubbish goes to 城管, parking to 交警.

a closed on time in 4 h; b closed late in 10 h after one rework; c sent back once, still open
and past its due time; d registered only; e closed in 24 h without a due time; f registered on
the last evening, due after the period; g and h registered just outside the period; i merged
into e; j reported only; k (in the gap) closed on time in 2 h.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from gridmgr.casework.report import report_issue
from gridmgr.models import Issue
from tests.world import World, full_cells

LOCAL = ZoneInfo("Asia/Shanghai")
MARCH = (dt.date(2026, 3, 1), dt.date(2026, 3, 31))

# fmt: off
# name: place, category, status, registered, dispatched, due, handled, closed ("MM-DD HH:MM"), rework
CASES = {
    "a": ("S1", "rubbish", "closed", "03-02 09:00", "03-02 10:00", "03-02 18:00", "03-02 12:00", "03-02 14:00", 0),
    "b": ("S1", "rubbish", "closed", "03-05 09:00", "03-05 10:00", "03-05 12:00", "03-05 16:00", "03-05 20:00", 1),
    "c": ("S1", "rubbish", "handling", "03-10 09:00", "03-10 10:00", "03-11 10:00", "03-10 15:00", None, 1),
    "d": ("S1", "rubbish", "registered", "03-20 09:00", None, None, None, None, 0),
    "e": ("S2", "parking", "closed", "03-15 08:00", "03-15 09:00", None, "03-16 08:00", "03-16 09:00", 0),
    "f": ("S2", "parking", "dispatched", "03-31 23:00", "03-31 23:30", "04-01 10:00", None, None, 0),
    "g": ("S2", "parking", "registered", "04-01 00:00", None, None, None, None, 0),
    "h": ("S2", "parking", "registered", "02-28 23:59", None, None, None, None, 0),
    "i": ("S2", "parking", "registered", "03-15 09:00", None, None, None, None, 0),
    "j": ("S2", "parking", "reported", None, None, None, None, None, 0),
    "k": ("gap", "rubbish", "closed", "03-12 08:00", "03-12 09:00", "03-12 17:00", "03-12 10:00", "03-12 11:00", 0),
}
# fmt: on
MERGED = {"i": "e"}


def at(text: str | None) -> dt.datetime | None:
    """A March–April 2026 local time from "MM-DD HH:MM"."""
    if text is None:
        return None
    return dt.datetime.strptime(f"2026-{text}", "%Y-%m-%d %H:%M").replace(tzinfo=LOCAL)


def place(world: World, name: str) -> tuple[float, float]:
    if name == "gap":
        return world.gap_centre()
    return world.inside(full_cells(world.subs[name], world.grid)[0])


def build_cases(world: World) -> dict[str, Issue]:
    """The cases of CASES, routed by their place, with their loop fields set directly."""
    made = {}
    for name, (where, category, status, reg, disp, due, handled, closed, rework) in CASES.items():
        issue = report_issue(*place(world, where), world.categories[category])
        Issue.objects.filter(pk=issue.pk).update(
            status=status,
            registered_at=at(reg),
            dispatched_at=at(disp),
            due_at=at(due),
            handled_at=at(handled),
            closed_at=at(closed),
            rework_count=rework,
        )
        made[name] = issue
    for name, into in MERGED.items():
        Issue.objects.filter(pk=made[name].pk).update(merged_into=made[into])
    return made
