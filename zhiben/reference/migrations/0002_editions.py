import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """Criteria editions (issue 12): in-force dates, source, the edition replaced, local standards; per-clause
    dates, topic-only entries and the fire determination's kinds. ``effective`` becomes ``effective_from``."""

    dependencies = [
        ("reference", "0001_initial"),
    ]

    operations = [
        migrations.RenameField("criteriastandard", "effective", "effective_from"),
        migrations.AddField(
            model_name="criteriastandard",
            name="effective_to",
            field=models.DateField(
                blank=True, help_text="最后一天有效的日期；空表示现行有效", null=True, verbose_name="废止日期"
            ),
        ),
        migrations.AddField(
            model_name="criteriastandard",
            name="source",
            field=models.TextField(blank=True, help_text="发布机关、文件及其出处", verbose_name="来源"),
        ),
        migrations.AddField(
            model_name="criteriastandard",
            name="supersedes",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="superseded_by",
                to="reference.criteriastandard",
                verbose_name="取代的标准",
            ),
        ),
        migrations.AddField(
            model_name="criteriastandard",
            name="local",
            field=models.BooleanField(default=False, help_text="管理员录入的地方或省级判定标准", verbose_name="地方标准"),
        ),
        migrations.AddField(
            model_name="criteriastandard",
            name="note",
            field=models.TextField(
                blank=True, help_text="判定前须注意的事项，如不应判定为重大隐患的情形", verbose_name="适用说明"
            ),
        ),
        migrations.AddField(
            model_name="criterion",
            name="own_effective_from",
            field=models.DateField(blank=True, null=True, verbose_name="本条施行日期"),
        ),
        migrations.AddField(
            model_name="criterion",
            name="own_effective_to",
            field=models.DateField(blank=True, null=True, verbose_name="本条废止日期"),
        ),
        migrations.AddField(
            model_name="criterion",
            name="text_available",
            field=models.BooleanField(
                default=True, help_text="否：仅条目编号和主题，正文见标准原文", verbose_name="有正文"
            ),
        ),
        migrations.AddField(
            model_name="criterion",
            name="kind",
            field=models.CharField(
                choices=[
                    ("clause", "判定条款"),
                    ("composite", "综合判定要素（不能单独引用）"),
                    ("determination", "综合判定"),
                ],
                default="clause",
                max_length=16,
                verbose_name="类别",
            ),
        ),
        migrations.AddField(
            model_name="criterion",
            name="rule",
            field=models.JSONField(blank=True, null=True, verbose_name="判定规则"),
        ),
    ]
