"""Accident types, missing persons, the head's notification time, relays, investigation and 批复.

Existing rows: ``type`` is ``road_traffic`` for accidents of the ``road_transport`` sector (the sector the
old rule gave the 7-day 补报 window) and ``other`` otherwise, so no recorded accident's window changes;
``head_notified_at`` is the accident time (第九条's default); ``investigation_due`` is 60 days after the
accident's Beijing day (第二十九条); ``reply_due`` stays empty (no report recorded). Reversible: going back
drops the new columns and tables.
"""

import datetime
import zoneinfo

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import zhiben.regions.models

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
        ("regions", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
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
        migrations.AlterField(
            model_name="accident",
            name="head_notified_at",
            field=models.DateTimeField(verbose_name="单位负责人接报时间"),
        ),
        migrations.AlterField(
            model_name="accident",
            name="investigation_due",
            field=models.DateField(verbose_name="调查报告提交期限"),
        ),
        migrations.AddIndex(
            model_name="accident",
            index=models.Index(fields=["investigation_due"], name="accident_investigation_due"),
        ),
        migrations.AddIndex(
            model_name="accident",
            index=models.Index(fields=["reply_due"], name="accident_reply_due"),
        ),
        migrations.AddConstraint(
            model_name="accident",
            constraint=models.CheckConstraint(
                condition=models.Q(("head_notified_at__gte", models.F("occurred_at"))),
                name="accident_head_notified_after_occurred",
            ),
        ),
        migrations.AddConstraint(
            model_name="accident",
            constraint=models.CheckConstraint(
                condition=models.Q(("type__in", [key for key, _ in TYPES])), name="accident_type_valid"
            ),
        ),
        migrations.AddConstraint(
            model_name="accident",
            constraint=models.CheckConstraint(
                condition=models.Q(("verified_grade__in", ["", *(key for key, _ in GRADES)])),
                name="accident_verified_grade_valid",
            ),
        ),
        migrations.CreateModel(
            name="AccidentRelay",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "level",
                    models.CharField(
                        choices=[("city", "设区的市级"), ("province", "省级"), ("national", "国务院安全生产监督管理部门")],
                        max_length=16,
                        verbose_name="上报至",
                    ),
                ),
                ("reported_at", models.DateTimeField(verbose_name="上报时间")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="登记时间")),
                (
                    "accident",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="relays",
                        to="accidents.accident",
                        verbose_name="事故",
                    ),
                ),
                (
                    "reported_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="登记人",
                    ),
                ),
            ],
            options={
                "verbose_name": "事故逐级上报",
                "verbose_name_plural": "事故逐级上报",
                "ordering": ["accident_id", "reported_at", "id"],
                "constraints": [
                    models.UniqueConstraint(fields=("accident", "level"), name="accident_relay_once_per_level"),
                    models.CheckConstraint(
                        condition=models.Q(("level__in", ["city", "province", "national"])),
                        name="accident_relay_level_valid",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="InvestigationEscalation",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("region_code", zhiben.regions.models.RegionCodeField(max_length=9)),
                ("sector_id", models.CharField(max_length=32)),
                ("step", models.CharField(max_length=20)),
                ("due", models.DateField()),
                ("day", models.DateField()),
                (
                    "accident",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="investigation_escalations",
                        to="accidents.accident",
                    ),
                ),
            ],
            options={
                "abstract": False,
                "constraints": [
                    models.UniqueConstraint(fields=("accident", "step", "due"), name="accident_investigation_escalation_once")
                ],
            },
        ),
        migrations.CreateModel(
            name="ReplyEscalation",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("region_code", zhiben.regions.models.RegionCodeField(max_length=9)),
                ("sector_id", models.CharField(max_length=32)),
                ("step", models.CharField(max_length=20)),
                ("due", models.DateField()),
                ("day", models.DateField()),
                (
                    "accident",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="reply_escalations",
                        to="accidents.accident",
                    ),
                ),
            ],
            options={
                "abstract": False,
                "constraints": [
                    models.UniqueConstraint(fields=("accident", "step", "due"), name="accident_reply_escalation_once")
                ],
            },
        ),
    ]
