"""Sixty days of the closed loop for the demo's issues, written as history.

Every demo issue gets a past that ends at the load: reported → registered by the centre in
working hours, minutes to hours later → dispatched (due_at from the category's limit on the
working calendar, workcal.due_time) → accepted and handled by a user acting for its department
(or its grid worker) → verified and closed by the inspector or the centre, never by its handler.
A share is rejected with a reason, some cases are sent back once for rework, some suspended (a
few resumed later, their deadline moved by the pause), a few duplicates merged into the case
they repeat, and a tail drags on past its deadline and escalates up its chain of owners. Each
case's steps are planned with their times and cut at the load time, so recent cases are open.

Why the history is written directly (Transition rows with explicit `at`, and the Issue fields,
in bulk) rather than through loop.apply: apply takes one locked step at a time and notifies as
it goes, and each report-back (handle) must carry a new evidence photo. Some 2,500 steps through
apply, with a photo file for every report-back, would take longer than the rest of load_demo.
The replay takes every step through the rule apply takes it through (casework.lifecycle.take,
in `History.play`): the same sources, roles, reasons and fields, the verifier never the handler,
the deadlines from the loaded calendar. Only a sample of report-backs carry a photo (the evidence
rule is apply's, outside the pure rule).

Escalations are recorded as the escalation job would have raised them, a few minutes after each
level fell due, up to ESCALATION_CUTOFF_H working hours before the load: the first run of
`escalate_overdue` then has the cases that fell due since to raise (FRESH_OVERDUE at least).
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from gridmgr.casework.escalation import SYSTEM, level_due_at
from gridmgr.casework.lifecycle import (
    RUNNING,
    Actor,
    CaseState,
    Clock,
    TransitionError,
    escalate,
    take,
)
from gridmgr.casework.loop import ref
from gridmgr.casework.notify import escalated_message
from gridmgr.casework.workcal import Calendar, category_limit, due_time, working_day_hours
from gridmgr.demo.records import Move, Played, Records
from gridmgr.errors import GridError
from gridmgr.models import (
    Account,
    AccountRole,
    Category,
    Issue,
    Owner,
    Ownership,
    Routing,
)
from gridmgr.models.owners import Role
from gridmgr.routing.parties import Party

S = Issue.Status

# The fate of each report (shares). Rejected: not a case. Suspended: still waiting (three in four
# before dispatch). Unclear: whose case it is takes the centre days to settle, so the dispatch
# waits. Paused: suspended for days, then resumed. Stuck: handling drags on for days or weeks
# past the deadline. Backlog: handled, the verification waits for days. Late: closed a little
# after the deadline. The rest close in time.
FATES = {
    "rejected": 0.06,
    "suspended": 0.05,
    "unclear": 0.12,
    "paused": 0.03,
    "stuck": 0.07,
    "backlog": 0.04,
    "late": 0.10,
}
REWORK = 0.065  # of the cases handled: sent back once by the verifier
FRESH_OVERDUE = 3  # cases whose deadline passed within the last working hours
ESCALATION_CUTOFF_H = 2.0
CITIZEN_SOURCES = ("citizen", "hotline")
SOURCE_LABELS = {
    "grid_worker": "网格员 / grid worker",
    "inspector": "督查 / inspector",
    "citizen": "市民 / citizen",
    "hotline": "12345热线 / hotline",
}

REJECT_REASONS = (
    "经现场核实，问题不存在 / checked on site: there is no such problem",
    "不属于网格化管理范围，已告知反映人向相关单位反映 / not a grid matter: the reporter was referred",
    "位置描述不清，无法核实 / the location is too vague to check",
    "已由其他渠道办理完毕 / already dealt with through another channel",
)
SUSPEND_REASONS = (
    "涉及产权争议，待房管部门认定 / ownership in dispute: waiting for the housing authority",
    "需多部门联合执法，待协调 / needs a joint operation of several departments",
    "恶劣天气，暂缓处置 / bad weather: handling postponed",
    "当事人联系不上，待进一步核查 / the party cannot be reached: further checks needed",
)
REWORK_REASONS = (
    "复查发现问题反弹，请彻底处置 / the problem is back on re-inspection: deal with it fully",
    "现场仍有残留，未达结案标准 / remnants on site: not up to the closing standard",
    "处置照片与现场不符，请重新处置并反馈 / the photo does not match the site: redo and report",
)
DONE = {
    "E0104": "已责令停工并拆除违建 / work stopped and the structure removed",
    "E0105": "已清扫清运，恢复整洁 / cleaned and cleared",
    "E0201": "已清除小广告 / posters removed",
    "E0202": "已清除涂鸦及张贴物 / graffiti and posters removed",
    "E0401": "已劝离无照游商 / unlicensed vendors moved on",
    "E0402": "已责令商户退店经营 / the shop told to trade indoors",
    "E0403": "已清理占道物品 / clutter cleared from the street",
    "E0404": "已贴单告知并拖移车辆 / ticketed and towed",
    "E0405": "已现场纠正并教育 / drivers corrected and cautioned on the spot",
    "E0406": "已加派路口文明引导员 / crossing wardens posted",
}
DONE_OTHER = "已处置完毕 / dealt with"
VERIFIED = "现场核查合格，予以结案 / verified on site: closed"


class HistoryError(GridError):
    """A planned step the closed loop would not allow (a bug of the demo)."""


@dataclass
class Cast:
    """The demo users who act in the history (gridmgr.demo.accounts)."""

    centre: AbstractBaseUser
    inspector: AbstractBaseUser
    worker: AbstractBaseUser | None = None
    worker_owner_id: int | None = None
    departments: dict[int, AbstractBaseUser] = field(default_factory=dict)
    roles: dict[int, str] = field(default_factory=dict)

    @classmethod
    def from_accounts(cls) -> Cast:
        accounts = Account.objects.select_related("user").order_by("user__username")
        by_role: dict[str, list[Account]] = {}
        for account in accounts:
            by_role.setdefault(account.role, []).append(account)
        centre = by_role.get(AccountRole.COMMAND_CENTRE, [])
        inspector = by_role.get(AccountRole.INSPECTOR, [])
        if not centre or not inspector:
            raise HistoryError(
                "演示历史需要区中心和督查账号",
                "the demo history needs centre and inspector accounts",
            )
        worker = next((a for a in by_role.get(AccountRole.GRID_WORKER, []) if a.owner_id), None)
        departments: dict[int, AbstractBaseUser] = {
            a.owner_id: a.user for a in by_role.get(AccountRole.DEPARTMENT, []) if a.owner_id
        }
        return cls(
            centre=centre[0].user,
            inspector=inspector[0].user,
            worker=worker.user if worker else None,
            worker_owner_id=worker.owner_id if worker else None,
            departments=departments,
            roles={a.user_id: a.role for a in accounts},
        )

    def handler(self, issue: Issue) -> AbstractBaseUser:
        """Who handles a case: its grid worker if a demo user, else its department, else the centre."""
        if self.worker is not None and issue.owner_id == self.worker_owner_id:
            return self.worker
        return self.departments.get(issue.department_id or 0, self.centre)

    def actor(self, user: AbstractBaseUser | None) -> Actor:
        """A user of the cast as the rule of the steps sees them. Each case is in the charge of
        its handler: `handler` picks the case's own grid worker or department, or the centre."""
        if user is None:
            return Actor(None, None)
        return Actor(user.pk, self.roles.get(user.pk))

    def verifier(self, handler: AbstractBaseUser, inspector_first: bool) -> AbstractBaseUser:
        """The inspector or the centre, never the handler."""
        first, second = (
            (self.inspector, self.centre) if inspector_first else (self.centre, self.inspector)
        )
        return second if first.pk == handler.pk else first


@dataclass
class HistorySummary:
    statuses: dict[str, int]
    transitions: int
    notifications: int
    photos: int
    tracked: int


def add_history(
    rng: np.random.Generator, duplicates: dict[str, str], now: dt.datetime | None = None
) -> HistorySummary:
    """Write the past of every demo issue (external id DEMO-…) up to `now`."""
    return History(rng, now or timezone.now()).write(duplicates)


class History:
    """Plans, replays and writes the demo's history."""

    def __init__(self, rng: np.random.Generator, now: dt.datetime) -> None:
        self.rng, self.now = rng, now
        self.cal = Calendar()
        self.day = working_day_hours()
        self.cutoff = self.cal.hours_before(now, ESCALATION_CUTOFF_H)
        self.cast = Cast.from_accounts()
        self.chains: dict[int, list[Owner]] = {}
        self.owners: dict[int, Owner] = {}
        self.fresh_count = 0
        self.limits: dict[int, tuple[int | None, str]] = {}

    # --- planning ---

    def hours(self, median: float, low: float, high: float) -> float:
        """A delay in working hours, log-normal around a median, within bounds."""
        return float(np.clip(self.rng.lognormal(math.log(median), 0.9), low, high))

    def later(self, moment: dt.datetime, hours: float) -> dt.datetime:
        return self.cal.add_hours(moment, hours)

    def after(
        self, offset: float, action: str, actor: AbstractBaseUser, comment: str = ""
    ) -> tuple[float, Move]:
        """A step `offset` working hours after the dispatch (timed by `handling`)."""
        return offset, Move(self.now, action, actor, comment=comment)

    def fate(self) -> str:
        u, total = self.rng.random(), 0.0
        for name, share in FATES.items():
            total += share
            if u < total:
                return name
        return "normal"

    def report(self, issue: Issue) -> Move:
        actor = None
        if issue.source == "inspector":
            actor = self.cast.inspector
        elif issue.source == "grid_worker" and issue.owner_id == self.cast.worker_owner_id:
            actor = self.cast.worker
        return Move(issue.reported_at, "report", actor, SOURCE_LABELS.get(issue.source, ""))

    def plan(self, issue: Issue, fate: str) -> list[Move]:
        centre = self.cast.centre
        moves = [self.report(issue)]
        registered = self.later(issue.reported_at, self.hours(0.4, 0.05, 6.0))
        if fate == "rejected":
            reason = str(self.rng.choice(REJECT_REASONS))
            return [*moves, Move(registered, "reject", centre, comment=reason)]
        moves.append(Move(registered, "register", centre))
        if fate == "suspended" and self.rng.random() < 0.75:
            at = self.later(registered, self.hours(0.5, 0.1, 4.0))
            return [
                *moves,
                Move(at, "suspend", centre, comment=str(self.rng.choice(SUSPEND_REASONS))),
            ]
        wait = (
            self.rng.uniform(5, 40) * self.day if fate == "unclear" else self.hours(0.2, 0.03, 3.0)
        )
        return moves + self.handling(issue, self.later(registered, wait), fate)

    def handling(self, issue: Issue, dispatched: dt.datetime, fate: str) -> list[Move]:
        """The steps from dispatch on, as working-hour offsets from the dispatch."""
        rng, centre = self.rng, self.cast.centre
        handler = self.cast.handler(issue)
        verifier = self.cast.verifier(handler, inspector_first=rng.random() < 0.4)
        due = due_time(dispatched, *category_limit(issue.category), self.cal)
        window = (
            self.cal.working_time(dispatched, due).total_seconds() / 3600 if due else 3 * self.day
        )
        if fate in ("stuck", "fresh"):
            span = window + rng.uniform(3, 30) * self.day
        elif fate == "late":
            span = window * (1 + min(rng.lognormal(math.log(0.4), 0.8), 8.0))
        else:
            span = window * (0.15 + 0.8 * rng.beta(2, 2))
        accept = span * rng.uniform(0.03, 0.15)
        if fate == "stuck" and rng.random() < 0.3:  # nobody takes it up for days
            accept = span * rng.uniform(0.15, 0.28)
        steps = [self.after(accept, "accept", handler)]
        if fate == "suspended":  # suspended while in handling, still waiting
            reason = str(rng.choice(SUSPEND_REASONS))
            steps.append(self.after(accept * 1.5, "suspend", centre, reason))
        elif fate == "fresh":  # every other one not even taken up yet
            self.fresh_count += 1
            steps = [(min(accept, 0.2 * window), steps[0][1])] if self.fresh_count % 2 == 0 else []
        else:
            steps += self.report_backs(issue, span, handler, verifier, fate)
        moves = [Move(dispatched, "dispatch", centre)]
        for offset, move in steps:
            move.at = self.later(dispatched, offset)
            moves.append(move)
        return moves

    def report_backs(
        self,
        issue: Issue,
        span: float,
        handler: AbstractBaseUser,
        verifier: AbstractBaseUser,
        fate: str,
    ) -> list[tuple[float, Move]]:
        """Handle (and maybe rework and handle again), verify; a pause before the first handle."""
        rng = self.rng
        done = DONE.get(issue.category.code, DONE_OTHER)
        steps: list[tuple[float, Move]] = []
        if rng.random() < REWORK:
            reason = str(rng.choice(REWORK_REASONS))
            steps += [
                self.after(span * rng.uniform(0.3, 0.4), "handle", handler, done),
                self.after(span * rng.uniform(0.45, 0.55), "rework", verifier, reason),
                self.after(span * rng.uniform(0.7, 0.9), "handle", handler, done),
            ]
        else:
            steps.append(self.after(span * rng.uniform(0.55, 0.9), "handle", handler, done))
        close = span
        if fate == "backlog":
            close = steps[-1][0] + rng.uniform(2, 10) * self.day
        steps.append(self.after(close, "verify", verifier, VERIFIED))
        if fate == "paused":
            # Suspended before the first report-back, resumed days later: all after it moves on.
            start = span * 0.15
            paused_at = start + (steps[0][0] - start) * rng.uniform(0.2, 0.8)
            pause = rng.uniform(1, 6) * self.day
            reason = str(rng.choice(SUSPEND_REASONS))
            steps = [
                self.after(paused_at, "suspend", self.cast.centre, reason),
                self.after(paused_at + pause, "resume", self.cast.centre),
                *((offset + pause, move) for offset, move in steps),
            ]
        return steps

    def fresh(self, issue: Issue) -> list[Move]:
        """A case whose deadline passed less than ESCALATION_CUTOFF_H working hours ago."""
        limit, _unit = category_limit(issue.category)
        dispatched = self.cal.hours_before(self.now, (limit or 2) + self.rng.uniform(0.2, 1.5))
        registered = self.cal.hours_before(dispatched, self.rng.uniform(0.1, 1.0))
        issue.reported_at = registered - dt.timedelta(minutes=float(self.rng.uniform(10, 120)))
        return [
            self.report(issue),
            Move(registered, "register", self.cast.centre),
            *self.handling(issue, dispatched, "fresh"),
        ]

    def merged(self, issue: Issue, into: Issue, into_moves: list[Move]) -> list[Move]:
        """A later report of the same problem, merged into the earlier case while it is open."""
        ends = [m.at for m in into_moves if m.action in ("verify", "reject", "merge")]
        open_until = min(ends, default=self.now + dt.timedelta(days=30))
        window = min(open_until, into.reported_at + dt.timedelta(hours=48)) - into.reported_at
        issue.reported_at = into.reported_at + window * float(self.rng.uniform(0.15, 0.5))
        at = self.later(issue.reported_at, self.hours(0.4, 0.05, 4.0))
        if at >= open_until:
            at = issue.reported_at + (open_until - issue.reported_at) / 2
        comment = f"与案件 {ref(into)} 为同一问题，并入办理 / the same problem as case {ref(into)}"
        return [self.report(issue), Move(at, "merge", self.cast.centre, comment=comment, into=into)]

    # --- escalation ---

    def chain(self, issue: Issue) -> list[Owner]:
        """parties.owner_chain of the issue (fetched for all issues at once)."""
        return self.chains.get(issue.pk, [])

    def fetch_chains(self, issues: list[Issue]) -> None:
        """The owner chains of many issues in three queries, by the rules of
        parties.owner_chain: the issue's owner, the owners of its routing receipts from
        the lowest layer up, then the linked leaders of its zones, higher layers first."""
        routes: dict[int, list[tuple[int | None, int | None]]] = {}
        rows = (
            Routing.objects.filter(issue__in=issues)
            .order_by("issue_id", "-layer__rank")
            .values_list("issue_id", "owner_id", "zone_id")
        )
        for issue_id, owner_id, zone_id in rows:
            routes.setdefault(issue_id, []).append((owner_id, zone_id))
        zones = {z for pairs in routes.values() for _, z in pairs if z is not None}
        leaders = list(
            Ownership.objects.current(timezone.localtime(self.now).date())
            .filter(zone_id__in=zones, role=Role.LINKED_LEADER)
            .order_by("-zone__layer__rank", "id")
            .values_list("zone_id", "owner_id")
        )
        ids: dict[int, list[int]] = {}
        for issue in issues:
            pairs = routes.get(issue.pk, [])
            mine = {z for _, z in pairs if z is not None}
            found = [issue.owner_id, *(o for o, _ in pairs), *(o for z, o in leaders if z in mine)]
            ids[issue.pk] = list(dict.fromkeys(pk for pk in found if pk is not None))
        owners = Owner.objects.in_bulk({pk for chain in ids.values() for pk in chain})
        owners |= Owner.objects.in_bulk({i.department_id for i in issues if i.department_id})
        self.owners = owners
        self.chains = {k: [owners[pk] for pk in chain if pk in owners] for k, chain in ids.items()}

    def parties(self, issue: Issue) -> list[Party]:
        """parties.responsible_parties of the issue, from the owners fetched once."""
        pairs = [("territorial", issue.owner_id), ("department", issue.department_id)]
        if issue.category.kind == Category.Kind.COMPONENT:
            pairs.reverse()
        found = [(duty, self.owners[pk]) for duty, pk in pairs if pk in self.owners]
        return [Party(duty, owner, k == 0) for k, (duty, owner) in enumerate(found)]

    def escalations(self, issue: Issue, played: list[Played]) -> list[Move]:
        """The levels the escalation job raised while the case ran past its deadline."""
        moves: list[Move] = []
        level = 0
        for k, step in enumerate(played):
            if step.after not in RUNNING or step.due_at is None:
                continue
            start = step.move.at
            end = played[k + 1].move.at if k + 1 < len(played) else self.now
            probe = Issue(due_at=step.due_at, category=issue.category)
            while True:
                when = level_due_at(probe, level + 1, self.cal)
                if when is None:
                    break
                fire = max(when, start) + dt.timedelta(minutes=float(self.rng.uniform(1, 9)))
                if fire >= end or fire > self.cutoff or level + 1 >= len(self.chain(issue)):
                    break
                level, start = level + 1, fire
                moves.append(self.escalation(issue, level, fire, step.due_at))
        return moves

    def escalation(self, issue: Issue, level: int, at: dt.datetime, due_at: dt.datetime) -> Move:
        owner = self.chain(issue)[level]
        message = escalated_message(issue, level, owner, due_at)
        return Move(at, "escalate", None, SYSTEM, message)

    # --- replay ---

    def replay(self, issue: Issue, moves: list[Move]) -> tuple[CaseState, list[Played]]:
        """Play the moves up to now through the rules of the loop."""
        state, played = CaseState(), list[Played]()
        for move in sorted(moves, key=lambda m: m.at):
            if move.at > self.now:
                break
            before = state.status
            state = self.play(issue, state, move, first=not played)
            played.append(Played(move, before, state.status, state.due_at))
        return state, played

    def play(self, issue: Issue, state: CaseState, move: Move, first: bool) -> CaseState:
        """One step's effect on the case by the rule apply follows; refuses what apply would."""
        action = move.action
        if action == "report":
            if not first:
                raise HistoryError("上报须为第一步", f"#{issue.pk}: 'report' must come first")
            return state
        if first:
            raise HistoryError("步骤不合规", f"#{issue.pk}: '{action}' from {state.status}")
        try:
            if action == "escalate":
                return escalate(state)
            done = take(
                state,
                action,
                self.cast.actor(move.actor),
                move.at,
                Clock(self.cal, self.limit(issue.category)),
                comment=move.comment,
                into_id=move.into.pk if move.into is not None else None,
            )
        except TransitionError as refused:
            raise HistoryError(refused.zh, f"#{issue.pk}: {refused.en}") from refused
        move.comment = done.note or move.comment
        return done.state

    def limit(self, category: Category) -> tuple[int | None, str]:
        """workcal.category_limit, asked once per category."""
        if category.pk not in self.limits:
            self.limits[category.pk] = category_limit(category)
        return self.limits[category.pk]

    # --- the whole history ---

    def write(self, duplicates: dict[str, str]) -> HistorySummary:
        issues = list(
            Issue.objects.filter(external_id__startswith="DEMO-")
            .select_related("category")
            .order_by("external_id")
        )
        self.fetch_chains(issues)
        by_external = {i.external_id: i for i in issues}
        repeats = {
            by_external[d]: by_external[t] for d, t in duplicates.items() if d in by_external
        }
        originals = set(repeats.values())
        plans: dict[Issue, list[Move]] = {}
        fresh = self.pick_fresh([i for i in issues if i not in repeats and i not in originals])
        for issue in issues:
            if issue in repeats:
                continue
            if issue in fresh:
                plans[issue] = self.fresh(issue)
            else:
                plans[issue] = self.plan(issue, "normal" if issue in originals else self.fate())
        # Tracking numbers take the day of the report: the duplicates' once they are placed.
        tracked = self.track([i for i in issues if i not in repeats])
        for issue, into in repeats.items():
            plans[issue] = self.merged(issue, into, plans[into])
        tracked += self.track(list(repeats))
        results: dict[Issue, tuple[CaseState, list[Played]]] = {}
        for issue in issues:
            moves = plans[issue]
            state, played = self.replay(issue, moves)
            extra = self.escalations(issue, played)
            if extra:
                state, played = self.replay(issue, moves + extra)
            results[issue] = (state, played)
        records = Records(self.rng, self.now, self.parties, self.chain)
        transitions = records.save(results)
        notifications = records.notify(results)
        photos = records.photos(results, transitions)
        return HistorySummary(
            statuses=dict(Counter(str(state.status) for state, _ in results.values())),
            transitions=sum(len(t) for t in transitions.values()),
            notifications=notifications,
            photos=photos,
            tracked=tracked,
        )

    def pick_fresh(self, candidates: list[Issue]) -> set[Issue]:
        """FRESH_OVERDUE cases in hour-limited categories, with an owner chain to escalate up."""
        eligible = [
            i
            for i in candidates
            if i.zone_id is not None
            and category_limit(i.category)[1] == "hours"
            and (self.now - i.reported_at).days in range(1, 20)
        ]
        picked: set[Issue] = set()
        for j in self.rng.permutation(len(eligible)):
            if len(picked) == FRESH_OVERDUE:
                break
            if len(self.chain(eligible[int(j)])) > 1:
                picked.add(eligible[int(j)])
        return picked

    def track(self, issues: list[Issue]) -> int:
        """Tracking numbers (and a reporter) for the reports of citizens and the hotline."""
        used = set(
            Issue.objects.exclude(tracking_number=None).values_list("tracking_number", flat=True)
        )
        surnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
        count = 0
        for issue in issues:
            if issue.source not in CITIZEN_SOURCES:
                continue
            day = timezone.localtime(issue.reported_at).strftime("%y%m%d")
            number = ""
            while not number or number in used:
                number = f"{day}{int(self.rng.integers(0, 16**8)):08X}"
            used.add(number)
            issue.tracking_number = number
            title = "先生" if self.rng.random() < 0.5 else "女士"
            issue.reporter_name = str(self.rng.choice(list(surnames))) + title
            issue.reporter_contact = f"13{int(self.rng.integers(0, 10**9)):09d}"
            count += 1
        return count
