"""Imports run on Huey: validation right after the upload, the import after the user confirms (both
defined beside their services), and the nightly removal of old uploaded workbooks."""

from __future__ import annotations

from django.conf import settings
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .services import imports_forget_files, run_import, validate_import

__all__ = ["forget_old_import_files", "run_import", "validate_import"]


@db_periodic_task(crontab(hour="18", minute="20"))  # 02:20 Beijing time
def forget_old_import_files() -> int:
    """Delete stored workbooks older than ``ZHIBEN_IMPORT_KEEP_DAYS``; answers how many."""
    return imports_forget_files(older_than_days=int(settings.ZHIBEN["IMPORT_KEEP_DAYS"]))
