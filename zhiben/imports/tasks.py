"""Imports run on Huey: validation right after the upload, the import after the user confirms."""

from __future__ import annotations

from huey.contrib.djhuey import db_task


@db_task()
def validate_import(job_id: str) -> str:
    from .services import validate_job

    return str(validate_job(job_id).status)


@db_task()
def run_import(job_id: str) -> str:
    from .services import import_job

    return str(import_job(job_id).status)
