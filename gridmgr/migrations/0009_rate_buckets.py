from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("gridmgr", "0008_scoped_idempotency_keys"),
    ]

    operations = [
        migrations.CreateModel(
            name="RateBucket",
            fields=[
                ("key", models.CharField(max_length=200, primary_key=True, serialize=False)),
                ("tokens", models.FloatField()),
                ("updated_at", models.DateTimeField()),
            ],
        ),
    ]
