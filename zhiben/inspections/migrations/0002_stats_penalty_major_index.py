"""The index of a region's penalties for a major hazard by day (安全生产法 第一百一十三条, the statistics' closure
proposals): partial, so it holds only those penalties, and covering, so the proposals read it alone."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("inspections", "0001_initial"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="penalty",
            index=models.Index(
                condition=models.Q(("major_hazard", True)),
                fields=["region", "decided_on", "enterprise", "kind"],
                name="penalty_major_by_region",
            ),
        ),
    ]
