"""Routing receipts become shared receipt sets; gridmgr_routing becomes a view over them.

Each issue's receipts (one row per layer until now) are grouped by content into sets whose id
is the BLAKE2b-128 digest of that content, laid out as gridmgr.routing.receipts lays it out
(kept here as it is today, so that this migration does not change if that module does).
"""

import hashlib
import struct
import uuid

import django.db.models.deletion
from django.db import migrations, models

RULES = ("covers", "overlap", "nearest", "fallback")

ROUTING_VIEW = """
CREATE VIEW gridmgr_routing AS
SELECT i.id * 65536 + r.layer_id AS id, i.id AS issue_id, r.layer_id, r.zone_id, r.plan_id,
  r.owner_id, r.rule, r.distance_m, i.routed_at
FROM gridmgr_issue i JOIN gridmgr_receipt r ON r.set_id = i.receipt_set
"""


def _content(receipts):
    values = []
    for layer, zone, plan, owner, rule, distance in receipts:
        bits = -1 if distance is None else struct.unpack("<q", struct.pack("<d", distance))[0]
        values += [layer, -1 if zone is None else zone, -1 if plan is None else plan]
        values += [-1 if owner is None else owner, RULES.index(rule), bits]
    return b"".join(v.to_bytes(8, "little", signed=True) for v in values)


def receipts_to_sets(apps, schema_editor):
    conn = schema_editor.connection
    with conn.cursor() as cur:
        cur.execute(
            "SELECT r.issue_id, r.layer_id, r.zone_id, r.plan_id, r.owner_id, r.rule, r.distance_m"
            " FROM gridmgr_routing r JOIN gridmgr_layer l ON l.id = r.layer_id"
            " ORDER BY r.issue_id, l.rank, l.name"
        )
        per_issue: dict[int, list[tuple]] = {}
        for issue_id, *receipt in cur.fetchall():
            per_issue.setdefault(issue_id, []).append(tuple(receipt))
        sets: dict[uuid.UUID, list[tuple]] = {}
        links = []
        for issue_id, receipts in per_issue.items():
            set_id = uuid.UUID(bytes=hashlib.blake2b(_content(receipts), digest_size=16).digest())
            sets.setdefault(set_id, receipts)
            links.append((issue_id, set_id))
        rows = [(s, *r) for s, receipts in sets.items() for r in receipts]
        cur.execute("CREATE TEMP TABLE receipt_links (issue_id bigint, set_id uuid)")
        for table, values in (
            (
                "gridmgr_receipt (set_id, layer_id, zone_id, plan_id, owner_id, rule, distance_m)",
                rows,
            ),
            ("receipt_links", links),
        ):
            with cur.copy(f"COPY {table} FROM STDIN") as copy:
                for value in values:
                    copy.write_row(value)
        cur.execute(
            "UPDATE gridmgr_issue i SET receipt_set = l.set_id FROM receipt_links l"
            " WHERE i.id = l.issue_id"
        )
        cur.execute("DROP TABLE receipt_links")


class Migration(migrations.Migration):
    dependencies = [
        ("gridmgr", "0004_slim_issue_indexes"),
    ]

    operations = [
        migrations.CreateModel(
            name="Receipt",
            fields=[
                (
                    "pk",
                    models.CompositePrimaryKey(
                        "set_id",
                        "layer",
                        blank=True,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                ("set_id", models.UUIDField()),
                (
                    "rule",
                    models.CharField(
                        choices=[
                            ("covers", "区域覆盖 / zone covers the point"),
                            ("overlap", "重叠取舍 / overlap tie-break"),
                            ("nearest", "就近分配 / nearest zone within distance"),
                            ("fallback", "属地兜底 / territorial fallback"),
                        ],
                        max_length=10,
                    ),
                ),
                ("distance_m", models.FloatField(blank=True, null=True)),
                (
                    "layer",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="gridmgr.layer",
                    ),
                ),
                (
                    "owner",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="gridmgr.owner",
                    ),
                ),
                (
                    "plan",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="gridmgr.plan",
                    ),
                ),
                (
                    "zone",
                    models.ForeignKey(
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="gridmgr.zone",
                    ),
                ),
            ],
        ),
        migrations.AddField(
            model_name="issue",
            name="receipt_set",
            field=models.UUIDField(blank=True, db_index=True, editable=False, null=True),
        ),
        migrations.RunPython(receipts_to_sets, migrations.RunPython.noop),
        migrations.RunSQL(
            "DROP TABLE gridmgr_routing;" + ROUTING_VIEW,
            reverse_sql=migrations.RunSQL.noop,
        ),
        migrations.AlterModelOptions(
            name="routing",
            options={"managed": False, "ordering": ["layer__rank"]},
        ),
        # Unmanaged by now: only the migration state learns the (unchanged) table name.
        migrations.AlterModelTable(name="routing", table="gridmgr_routing"),
    ]
