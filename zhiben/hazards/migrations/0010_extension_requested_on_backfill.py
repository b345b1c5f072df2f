"""A pending extension asked before its request day was stored (0008) gets that day from its
``extension_requested`` event (the Beijing day of the latest one), so that its decision due day and
overdue flag work like any other's. Reversing leaves the day in place: 0008's reversal drops the column."""

import zoneinfo

from django.db import migrations

BEIJING = zoneinfo.ZoneInfo("Asia/Shanghai")


def backfill(apps, schema_editor):
    Hazard = apps.get_model("hazards", "Hazard")
    Event = apps.get_model("audit", "Event")
    pending = Hazard.objects.filter(extension_status="pending", extension_requested_on__isnull=True)
    for hazard in pending.only("pk").iterator():
        asked = (
            Event.objects.filter(subject_type="hazard", subject_id=str(hazard.pk), kind="extension_requested")
            .order_by("-at")
            .values_list("at", flat=True)
            .first()
        )
        if asked is not None:
            day = asked.astimezone(BEIJING).date()
            Hazard.objects.filter(pk=hazard.pk).update(extension_requested_on=day)


class Migration(migrations.Migration):
    dependencies = [
        ("hazards", "0009_fewer_indexes"),
        ("audit", "0003_named_lock"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
