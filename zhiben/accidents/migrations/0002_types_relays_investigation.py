"""Accident types, missing persons, the head's notification time, relays, investigation and 批复.

Existing rows: ``type`` is ``road_traffic`` for accidents of the ``road_transport`` sector (the sector the
old rule gave the 7-day 补报 window) and ``other`` otherwise, so no recorded accident's window changes;
``head_notified_at`` is the accident time (第九条's default); ``investigation_due`` is 60 days after the
accident's Beijing day (第二十九条); ``reply_due`` stays empty (no report recorded). Reversible: going back
drops the new columns (0003 makes them required and adds the tables: on PostgreSQL a table just
updated cannot be altered in the same transaction).
"""

import datetime
import zoneinfo

from django.conf import settings
from django.db import migrations, models

GRADES = [("especially_major", "特别重大"), ("major", "重大"), ("relatively_major", "较大"), ("general", "一般")]
TYPES = [
    ("object_strike", "物体打击"),
    ("vehicle", "车辆伤害"),
    ("machinery", "机械伤害"),
    ("lifting", "起重伤害"),
    ("electrocution", "触电"),
    ("drowning", "淹溺"),
    ("scald", "灼烫"),
    ("fire", "火灾（火灾事故）"),
    ("fall", "高处坠落"),
    ("collapse", "坍塌"),
    ("roof_fall", "冒顶片帮"),
    ("water_inrush", "透水"),
    ("blasting", "放炮"),
    ("explosive", "火药爆炸"),
    ("gas_explosion", "瓦斯爆炸"),
    ("boiler_explosion", "锅炉爆炸"),
    ("vessel_explosion", "容器爆炸"),
    ("other_explosion", "其他爆炸"),
    ("poisoning", "中毒和窒息"),
    ("other_injury", "其他伤害"),
    ("road_traffic", "道路交通事故"),
    ("other", "其他（未分类）"),
]


def fill(apps, schema_editor):
    Accident = apps.get_model("accidents", "Accident")
    tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    Accident.objects.filter(sector_id="road_transport").update(type="road_traffic")
    for a in Accident.objects.only("pk", "occurred_at").iterator():
        day = a.occurred_at.astimezone(tz).date()
        Accident.objects.filter(pk=a.pk).update(
            head_notified_at=a.occurred_at, investigation_due=day + datetime.timedelta(days=60)
        )


class Migration(migrations.Migration):

    dependencies = [
        ("accidents", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="accident",
            name="type",
            field=models.CharField(choices=TYPES, default="other", max_length=24, verbose_name="事故类别"),
        ),
        migrations.AddField(
            model_name="accident",
            name="head_notified_at",
            field=models.DateTimeField(null=True, verbose_name="单位负责人接报时间"),
        ),
        migrations.AddField(
            model_name="accident",
            name="missing",
            field=models.PositiveIntegerField(default=0, verbose_name="下落不明人数"),
        ),
        migrations.AddField(
            model_name="accident",
            name="investigation_due",
            field=models.DateField(null=True, verbose_name="调查报告提交期限"),
        ),
        migrations.AddField(
            model_name="accident",
            name="investigation_extension_days",
            field=models.PositiveSmallIntegerField(default=0, verbose_name="调查期限延长天数"),
        ),
        migrations.AddField(
            model_name="accident",
            name="investigation_extension_reason",
            field=models.CharField(blank=True, max_length=1000, verbose_name="调查期限延长理由"),
        ),
        migrations.AddField(
            model_name="accident",
            name="investigation_submitted_on",
            field=models.DateField(blank=True, null=True, verbose_name="调查报告提交日期"),
        ),
        migrations.AddField(
            model_name="accident",
            name="verified_grade",
            field=models.CharField(blank=True, choices=GRADES, max_length=16, verbose_name="核定等级"),
        ),
        migrations.AddField(
            model_name="accident",
            name="reply_due",
            field=models.DateField(blank=True, null=True, verbose_name="批复期限"),
        ),
        migrations.AddField(
            model_name="accident",
            name="reply_extension_days",
            field=models.PositiveSmallIntegerField(default=0, verbose_name="批复期限延长天数"),
        ),
        migrations.AddField(
            model_name="accident",
            name="reply_extension_reason",
            field=models.CharField(blank=True, max_length=1000, verbose_name="批复期限延长理由"),
        ),
        migrations.AddField(
            model_name="accident",
            name="replied_on",
            field=models.DateField(blank=True, null=True, verbose_name="批复日期"),
        ),
        migrations.AddField(
            model_name="accidentsupplement",
            name="counted",
            field=models.BooleanField(default=True, verbose_name="计入事故数字"),
        ),
        migrations.AddField(
            model_name="accidentsupplement",
            name="missing",
            field=models.PositiveIntegerField(default=0, verbose_name="下落不明人数"),
        ),
        migrations.AddField(
            model_name="accidentsupplement",
            name="reason",
            field=models.CharField(blank=True, max_length=1000, verbose_name="核减理由"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
