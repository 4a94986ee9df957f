"""Count afterwards: what the server answered against what the database holds.

Per idempotency key: exactly one 201 among its answers (a retry gets 200 with the same
service_request_id), the answered id is the stored case's tracking number, one stored case per
key and per request text; every stored case routed (one receipt per layer, a region and an
owner) with its 'report' transition.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from bench.loadgen import Result, Run

# Phases whose keys are checked: the main open- and closed-loop runs.
PHASES = ("open-", "closed-")

_STORED_SQL = """
SELECT i.idempotency_key, i.tracking_number, i.description,
  (SELECT count(*) FROM gridmgr_routing r WHERE r.issue_id = i.id),
  (SELECT count(*) FROM gridmgr_transition t WHERE t.issue_id = i.id AND t.action = 'report'),
  i.region_id IS NOT NULL AND i.owner_id IS NOT NULL,
  i.zone_id IS NOT NULL
FROM gridmgr_issue i
WHERE i.source = 'open311' AND i.idempotency_key LIKE ANY(%s)
"""


def service_request_id(result: Result) -> str | None:
    """The id in a 200/201 answer ([{"service_request_id": ...}]), else None."""
    if result.status not in (200, 201):
        return None
    try:
        return str(json.loads(result.body)[0]["service_request_id"])
    except (ValueError, LookupError, TypeError):
        return None


def check(runs: Sequence[Run], key_id: int, layers: int, retry_suffix: str) -> dict[str, Any]:
    """The counts, and `all_good` when none is wrong."""
    from django.db import connection

    answers: dict[str, list[Result]] = defaultdict(list)
    for run in runs:
        for r in run.results:
            answers[r.label.removesuffix(retry_suffix)].append(r)
    created: dict[str, str] = {}
    created_twice = unanswered = inconsistent = 0
    retried = 0
    answered_ids: dict[str, str] = {}
    for key, rs in answers.items():
        ids = {service_request_id(r) for r in rs if r.status in (200, 201)}
        n_created = sum(r.status == 201 for r in rs)
        created_twice += n_created > 1
        if n_created == 1:
            created[key] = next(str(service_request_id(r)) for r in rs if r.status == 201)
        if not ids:
            unanswered += 1
        elif len(ids) > 1 or None in ids:
            inconsistent += 1
        else:
            answered_ids[key] = str(next(iter(ids)))
        retried += len(rs) > 1
    prefix = f"open311:{key_id}:"
    with connection.cursor() as cur:
        cur.execute(_STORED_SQL, [[f"{prefix}{p}%" for p in PHASES]])
        rows = cur.fetchall()
    stored = {str(k).removeprefix(prefix): str(t) for k, t, *_ in rows}
    texts = [str(d) for _, _, d, *_ in rows]
    counts: dict[str, Any] = {
        "requests_sent": sum(len(rs) for rs in answers.values()),
        "unique_keys_sent": len(answers),
        "keys_answered_201": len(created),
        "keys_answered_201_twice": created_twice,
        "keys_without_success_answer": unanswered,
        "cases_stored": len(rows),
        # Answered 200/201 but no case stored under the key.
        "lost": len(answered_ids.keys() - stored.keys()),
        # No answer came back (timed out), yet the case was stored: neither lost nor doubled.
        "stored_but_unanswered": len(stored.keys() - answered_ids.keys()),
        "keys_answered_different_ids": inconsistent,
        "answered_id_differs_from_stored": sum(
            1 for k, tn in answered_ids.items() if k in stored and stored[k] != tn
        ),
        "duplicate_cases_same_key": len(rows) - len(stored),
        "duplicate_cases_same_text": len(texts) - len(set(texts)),
        "retried_keys": retried,
        "retried_keys_answered_consistently": sum(
            1
            for k, rs in answers.items()
            if len(rs) > 1 and k in answered_ids and sum(r.status == 201 for r in rs) <= 1
        ),
        "cases_without_receipt_per_layer": sum(1 for r in rows if r[3] != layers),
        "cases_without_report_transition": sum(1 for r in rows if r[4] != 1),
        "cases_without_region_or_owner": sum(1 for r in rows if not r[5]),
        "cases_in_no_zone": sum(1 for r in rows if not r[6]),
    }
    wrong = (
        "keys_answered_201_twice",
        "lost",
        "keys_answered_different_ids",
        "answered_id_differs_from_stored",
        "duplicate_cases_same_key",
        "duplicate_cases_same_text",
        "cases_without_receipt_per_layer",
        "cases_without_report_transition",
        "cases_without_region_or_owner",
    )
    # Every case stored once, and every success answered for a stored case.
    counts["all_good"] = (
        all(counts[w] == 0 for w in wrong)
        and counts["stored_but_unanswered"] + len(answered_ids) == len(rows)
        and counts["keys_answered_201"] <= len(rows)
    )
    return counts
