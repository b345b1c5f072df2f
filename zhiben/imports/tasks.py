"""Imports run on Huey: validation right after the upload, the import after the user confirms."""

from __future__ import annotations

from django.conf import settings
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task


@db_task()
def validate_import(job_id: str) -> str:
    from .services import validate_job

    return str(validate_job(job_id).status)


@db_task()
def run_import(job_id: str) -> str:
    from .services import import_job

    return str(import_job(job_id).status)


@db_periodic_task(crontab(hour="18", minute="20"))  # 02:20 Beijing time
def forget_old_import_files() -> int:
    from .services import imports_forget_files

    return imports_forget_files(older_than_days=int(settings.ZHIBEN["IMPORT_KEEP_DAYS"]))
