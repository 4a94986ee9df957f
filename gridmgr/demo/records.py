"""The rows the demo history writes: each case's fields and steps in bulk, the notifications
its steps sent, and photos on a sample of cases (demo.history plans and replays them)."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from django.contrib.auth.models import AbstractBaseUser
from django.db import connection
from PIL import Image, ImageDraw

from gridmgr.casework.lifecycle import STATE_FIELDS, CaseState
from gridmgr.casework.notify import dispatched_message, rework_message
from gridmgr.casework.photos import add_photo
from gridmgr.models import Issue, Notification, Owner, Photo, Transition
from gridmgr.routing.parties import Party

S = Issue.Status
EVIDENCE_PHOTOS = 10  # report-backs with an evidence photo
REPORT_PHOTOS = 4  # citizens' reports with a photo


@dataclass
class Move:
    """One planned step of a case: what, when, by whom, why."""

    at: dt.datetime
    action: str
    actor: AbstractBaseUser | None = None
    label: str = ""
    comment: str = ""
    into: Issue | None = None


# The fields of the report the history sets: moved report times, and the citizens' tracking.
REPORT_FIELDS = ["reported_at", "tracking_number", "reporter_name", "reporter_contact"]


@dataclass
class Played:
    """A step as replayed: the move, the states before and after, the deadline after it."""

    move: Move
    before: str
    after: str
    due_at: dt.datetime | None


def update_issues(issues: list[Issue], names: list[str]) -> None:
    """Write some fields of many issues in one UPDATE (bulk_update takes seconds for this)."""
    concrete = {f.attname: f for f in Issue._meta.concrete_fields}
    columns = [concrete[name] for name in names]
    column_names = [str(f.column) for f in columns]
    arrays = [
        [f.get_db_prep_value(getattr(i, f.attname), connection) for i in issues] for f in columns
    ]
    types = [str(f.db_type(connection)) for f in columns]
    sets = ", ".join(f"{c} = v.{c}" for c in column_names)
    unnest = ", ".join(f"%s::{t.split('(')[0]}[]" for t in ["bigint", *types])
    names_sql = ", ".join(["id", *column_names])
    sql = (
        f"UPDATE {Issue._meta.db_table} AS i SET {sets} "
        f"FROM unnest({unnest}) AS v({names_sql}) WHERE i.id = v.id"
    )
    # Raw SQL: one UPDATE … FROM unnest(arrays) for thousands of rows; bulk_update takes seconds.
    with connection.cursor() as cur:
        cur.execute(sql, [[i.pk for i in issues], *arrays])


def evidence_jpeg(rng: np.random.Generator) -> bytes:
    """A small made-up photo: a few coloured blocks on a plain ground (a real JPEG)."""
    ground = tuple(int(v) for v in rng.integers(90, 200, size=3))
    image = Image.new("RGB", (320, 240), ground)
    draw = ImageDraw.Draw(image)
    for _ in range(6):
        x, y = (int(v) for v in rng.integers(0, 260, size=2))
        w, h = (int(v) for v in rng.integers(20, 120, size=2))
        colour = tuple(int(v) for v in rng.integers(0, 256, size=3))
        draw.rectangle((x, y, x + w, y + h), fill=colour)
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=80)
    return out.getvalue()


class Records:
    """Writes the replayed history; `parties` and `chain` are the history's, fetched once."""

    def __init__(
        self,
        rng: np.random.Generator,
        now: dt.datetime,
        parties: Callable[[Issue], list[Party]],
        chain: Callable[[Issue], list[Owner]],
    ) -> None:
        self.rng, self.now, self.parties, self.chain = rng, now, parties, chain

    def save(
        self, results: dict[Issue, tuple[CaseState, list[Played]]]
    ) -> dict[Issue, list[Transition]]:
        rows: dict[Issue, list[Transition]] = {}
        for issue, (state, played) in results.items():
            state.put(issue)
            rows[issue] = [
                Transition(
                    issue=issue,
                    action=p.move.action,
                    from_status=p.before if p.move.action != "report" else "",
                    to_status=p.after,
                    actor_id=p.move.actor.pk if p.move.actor is not None else None,
                    actor_label=p.move.label,
                    comment=p.move.comment,
                    at=p.move.at,
                )
                for p in played
            ]
        Transition.objects.bulk_create([t for ts in rows.values() for t in ts], batch_size=2000)
        update_issues(list(results), [*STATE_FIELDS, *REPORT_FIELDS])
        return rows

    def notify(self, results: dict[Issue, tuple[CaseState, list[Played]]]) -> int:
        """The notifications the steps sent: dispatch to the parties, rework, escalation."""
        notes = []
        for issue, (state, played) in results.items():
            handler, level = state.handler_id, 0
            for p in played:
                at, action = p.move.at, p.move.action
                if action == "dispatch":
                    for party in self.parties(issue):
                        text = dispatched_message(issue, party.label, p.due_at)
                        notes.append(self.note(issue, "dispatch", text, at, owner=party.owner))
                elif action == "rework" and handler is not None:
                    text = rework_message(issue, p.move.comment)
                    notes.append(self.note(issue, "rework", text, at, recipient_id=handler))
                elif action == "escalate":
                    level += 1
                    owner = self.chain(issue)[level]
                    notes.append(self.note(issue, "escalation", p.move.comment, at, owner=owner))
        Notification.objects.bulk_create(notes, batch_size=2000)
        return len(notes)

    def note(
        self,
        issue: Issue,
        kind: str,
        message: str,
        at: dt.datetime,
        owner: Owner | None = None,
        recipient_id: int | None = None,
    ) -> Notification:
        """A notification; read a while after it came, unless it came within the last day."""
        read = at + dt.timedelta(minutes=float(self.rng.uniform(5, 180)))
        return Notification(
            issue=issue,
            kind=kind,
            message=message,
            owner=owner,
            recipient_id=recipient_id,
            created_at=at,
            read_at=read if read < self.now - dt.timedelta(days=1) else None,
        )

    def photos(
        self,
        results: dict[Issue, tuple[CaseState, list[Played]]],
        transitions: dict[Issue, list[Transition]],
    ) -> int:
        """Evidence photos on a sample of closed cases' last report-back; a few report photos."""
        closed = [
            i for i, (s, _) in results.items() if s.status == S.CLOSED and not s.merged_into_id
        ]
        cited = [i for i in results if i.source == "citizen"]
        count = 0
        for kind, pool, n, action in (
            (Photo.Kind.EVIDENCE, closed, EVIDENCE_PHOTOS, "handle"),
            (Photo.Kind.REPORT, cited, REPORT_PHOTOS, "report"),
        ):
            if not pool:
                continue
            for k in sorted(self.rng.choice(len(pool), size=min(n, len(pool)), replace=False)):
                issue = pool[int(k)]
                if kind == Photo.Kind.REPORT:
                    add_photo(issue, evidence_jpeg(self.rng), kind, now=issue.reported_at)
                else:
                    # Uploaded minutes before the report-back, which then took it as its evidence.
                    step = [t for t in transitions[issue] if t.action == action][-1]
                    taken = step.at - dt.timedelta(minutes=float(self.rng.uniform(1, 20)))
                    add_photo(issue, evidence_jpeg(self.rng), kind, transition=step, now=taken)
                count += 1
        return count
