"""Accidents: the columns 0002 filled become required, with their indexes and checks; relays and the
escalation rows. A migration of its own: PostgreSQL refuses to alter a table whose rows the same
transaction has just updated (0002's data step)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import zhiben.regions.models

GRADE_KEYS = ["especially_major", "major", "relatively_major", "general"]
TYPE_KEYS = [
    "object_strike",
    "vehicle",
    "machinery",
    "lifting",
    "electrocution",
    "drowning",
    "scald",
    "fire",
    "fall",
    "collapse",
    "roof_fall",
    "water_inrush",
    "blasting",
    "explosive",
    "gas_explosion",
    "boiler_explosion",
    "vessel_explosion",
    "other_explosion",
    "poisoning",
    "other_injury",
    "road_traffic",
    "other",
]


class Migration(migrations.Migration):

    dependencies = [
        ("accidents", "0002_types_relays_investigation"),
        ("regions", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
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
                condition=models.Q(("type__in", TYPE_KEYS)), name="accident_type_valid"
            ),
        ),
        migrations.AddConstraint(
            model_name="accident",
            constraint=models.CheckConstraint(
                condition=models.Q(("verified_grade__in", ["", *GRADE_KEYS])),
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
