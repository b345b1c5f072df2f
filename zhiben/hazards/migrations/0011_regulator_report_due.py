"""The day a major hazard is reported to the regulator by (电力: 3 working days, 国家发展改革委令第41号 第十八条),
filled in for the hazards already recorded from the official calendar (chinese-calendar)."""

from typing import Any

from django.conf import settings
from django.db import migrations, models

from zhiben.common.dates import add_working_days


def fill(apps: Any, schema_editor: Any) -> None:
    hazard = apps.get_model("hazards", "Hazard")
    z = settings.ZHIBEN
    days = int(z["REGULATOR_REPORT_WORKING_DAYS"])
    rows = (
        hazard.objects.filter(level="major", sector_id__in=list(z["REGULATOR_REPORT_SECTORS"]))
        .exclude(source__in=("inspection", "tip"))
        .only("pk", "discovered_on")
    )
    changed = []
    for h in rows.iterator(chunk_size=2000):
        h.regulator_report_due = add_working_days(h.discovered_on, days)
        changed.append(h)
    hazard.objects.bulk_update(changed, ["regulator_report_due"], batch_size=2000)


class Migration(migrations.Migration):
    dependencies = [
        ("hazards", "0010_extension_requested_on_backfill"),
    ]

    operations = [
        migrations.AddField(
            model_name="hazard",
            name="regulator_report_due",
            field=models.DateField(blank=True, null=True, verbose_name="向监管部门报告期限"),
        ),
        # backwards the column goes, and the values with it
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
