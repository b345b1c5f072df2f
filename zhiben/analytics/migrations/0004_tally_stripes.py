"""Summary rows in stripes (``stripe``): concurrent writers add to different rows of one key.

Reversible: going back first merges every stripe into stripe 0 (the old unique keys then hold)."""

from django.db import migrations, models

# table → its key columns (without ``stripe``) and its counters
TABLES = {
    "analytics_hazardtally": (
        ("node", "depth", "dim", "dim_value", "level", "cohort", "day"),
        ("total", "active", "closed", "closed_on_time", "listed"),
    ),
    "analytics_hazardmonthtally": (
        ("node", "depth", "level", "month", "day"),
        ("total", "active", "closed", "closed_on_time", "listed"),
    ),
    "analytics_activedeadline": (
        ("node", "depth", "dim", "dim_value", "level", "cohort", "deadline", "day"),
        ("n",),
    ),
    "analytics_activedeadlinemonth": (("node", "depth", "level", "month", "deadline", "day"), ("n",)),
    "analytics_enterprisedeadline": (("enterprise_id", "node", "sector", "deadline", "day"), ("n", "major")),
}


def merge_stripes(apps, schema_editor):
    """Add every stripe's counts to stripe 0 and delete the other stripes (before the stripes go)."""
    cursor = schema_editor.connection.cursor()
    for table, (keys, values) in TABLES.items():
        cols = ", ".join(keys)
        conflict = ", ".join([k for k in keys if k != "depth"] + ["stripe"])
        sums = ", ".join(f"SUM({v})" for v in values)
        updates = ", ".join(f"{v} = {table}.{v} + excluded.{v}" for v in values)
        cursor.execute(
            f"INSERT INTO {table} ({cols}, stripe, {', '.join(values)}) "
            f"SELECT {cols}, 0, {sums} FROM {table} WHERE stripe > 0 GROUP BY {cols} "
            f"ON CONFLICT ({conflict}) DO UPDATE SET {updates}"
        )
        cursor.execute(f"DELETE FROM {table} WHERE stripe > 0")


class Migration(migrations.Migration):
    dependencies = [
        ("analytics", "0003_summary_rebuild"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="activedeadline",
            name="active_deadline_key",
        ),
        migrations.RemoveConstraint(
            model_name="activedeadlinemonth",
            name="active_deadline_month_key",
        ),
        migrations.RemoveConstraint(
            model_name="enterprisedeadline",
            name="enterprise_deadline_key",
        ),
        migrations.RemoveConstraint(
            model_name="hazardmonthtally",
            name="hazard_month_tally_key",
        ),
        migrations.RemoveConstraint(
            model_name="hazardtally",
            name="hazard_tally_key",
        ),
        migrations.AddField(
            model_name="activedeadline",
            name="stripe",
            field=models.PositiveSmallIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="activedeadlinemonth",
            name="stripe",
            field=models.PositiveSmallIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="enterprisedeadline",
            name="stripe",
            field=models.PositiveSmallIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="hazardmonthtally",
            name="stripe",
            field=models.PositiveSmallIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="hazardtally",
            name="stripe",
            field=models.PositiveSmallIntegerField(default=0),
        ),
        migrations.AddConstraint(
            model_name="activedeadline",
            constraint=models.UniqueConstraint(
                fields=("node", "dim", "dim_value", "level", "cohort", "deadline", "day", "stripe"),
                name="active_deadline_key",
            ),
        ),
        migrations.AddConstraint(
            model_name="activedeadlinemonth",
            constraint=models.UniqueConstraint(
                fields=("node", "level", "month", "deadline", "day", "stripe"), name="active_deadline_month_key"
            ),
        ),
        migrations.AddConstraint(
            model_name="enterprisedeadline",
            constraint=models.UniqueConstraint(
                fields=("enterprise_id", "node", "sector", "deadline", "day", "stripe"), name="enterprise_deadline_key"
            ),
        ),
        migrations.AddConstraint(
            model_name="hazardmonthtally",
            constraint=models.UniqueConstraint(
                fields=("node", "level", "month", "day", "stripe"), name="hazard_month_tally_key"
            ),
        ),
        migrations.AddConstraint(
            model_name="hazardtally",
            constraint=models.UniqueConstraint(
                fields=("node", "dim", "dim_value", "level", "cohort", "day", "stripe"), name="hazard_tally_key"
            ),
        ),
        migrations.RunPython(migrations.RunPython.noop, merge_stripes),
    ]
