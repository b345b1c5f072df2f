"""Enterprise.name_key: the comparison key of the name (zhiben.common.names.name_key), filled for the
enterprises already registered, with an index for lookups by name."""

from typing import Any

from django.db import migrations, models

from zhiben.common.names import name_key

LENGTH = 800
BATCH = 2000


def fill(apps: Any, schema_editor: Any) -> None:
    Enterprise = apps.get_model("enterprises", "Enterprise")
    batch = []
    for e in Enterprise.objects.only("id", "name").order_by("id").iterator(chunk_size=BATCH):
        e.name_key = name_key(e.name)[:LENGTH]
        batch.append(e)
        if len(batch) >= BATCH:
            Enterprise.objects.bulk_update(batch, ["name_key"])
            batch = []
    if batch:
        Enterprise.objects.bulk_update(batch, ["name_key"])


class Migration(migrations.Migration):
    dependencies = [
        ("enterprises", "0001_initial"),
        ("reference", "0001_initial"),
        ("regions", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="enterprise",
            name="name_key",
            field=models.CharField(default="", editable=False, max_length=800, verbose_name="名称比较键"),
        ),
        # backwards the column goes with its values: nothing to undo
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="enterprise",
            index=models.Index(fields=["name_key"], name="enterprises_name_ke_d39966_idx"),
        ),
    ]
