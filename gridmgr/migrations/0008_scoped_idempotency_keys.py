"""Idempotency keys are namespaced by their sender (gridmgr/casework/idempotency.py).

Keys stored before were global: a key sent through the API or the report form could equal
another client's. Those keys are retired into a `legacy:<issue id>:` namespace that no sender
has, so no new request can ever be answered with an old case (the only keys kept as they are
were made by Open311 itself, already namespaced by its API key).
"""

from django.db import migrations, models

RETIRE = """
UPDATE gridmgr_issue SET idempotency_key = 'legacy:' || id || ':' || idempotency_key
WHERE idempotency_key IS NOT NULL
  AND NOT (source = 'open311' AND idempotency_key LIKE 'open311:%')
"""


class Migration(migrations.Migration):
    dependencies = [
        ("gridmgr", "0007_issue_db_defaults"),
    ]

    operations = [
        migrations.AlterField(
            model_name="issue",
            name="idempotency_key",
            field=models.CharField(blank=True, max_length=200, null=True),
        ),
        migrations.RunSQL(RETIRE, migrations.RunSQL.noop),
    ]
