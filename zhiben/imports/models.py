"""An Excel ledger import (台账导入): the uploaded file, its validation report, then the import itself."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class Kind(models.TextChoices):
    ENTERPRISES = "enterprises", "企业清单"
    HAZARDS = "hazards", "隐患清单"
    INSPECTIONS = "inspections", "执法检查台账"
    PENALTIES = "penalties", "行政处罚台账"
    RISKS = "risks", "风险分级管控清单"


class JobStatus(models.TextChoices):
    VALIDATING = "validating", "校验中"
    INVALID = "invalid", "有错误，未导入"
    VALIDATED = "validated", "校验通过，待确认"
    IMPORTING = "importing", "导入中"
    DONE = "done", "已导入"
    FAILED = "failed", "导入失败，未写入"


class ImportJob(models.Model):
    """One uploaded workbook. Validated first (a report, nothing written), imported on confirmation, all
    or nothing. The file stays private under MEDIA_ROOT/imports/ (never served as a URL)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField("台账类型", max_length=12, choices=Kind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    original_name = models.CharField("文件名", max_length=200)
    size = models.PositiveBigIntegerField("大小")
    sha256 = models.CharField(max_length=64)
    file = models.FileField(upload_to="imports/", max_length=200)
    error_file = models.FileField(upload_to="imports/", max_length=200, blank=True)
    status = models.CharField("状态", max_length=12, choices=JobStatus.choices, default=JobStatus.VALIDATING)
    progress = models.PositiveIntegerField("已处理行数", default=0)
    total = models.PositiveIntegerField("数据行数", default=0)
    report = models.JSONField("校验报告", default=dict)
    created_at = models.DateTimeField("上传时间", auto_now_add=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["actor", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.original_name}"

    @property
    def finished(self) -> bool:
        return self.status in (JobStatus.INVALID, JobStatus.VALIDATED, JobStatus.DONE, JobStatus.FAILED)
