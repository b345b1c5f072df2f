"""Reads of import jobs: a job is its uploader's (an admin sees every job); anyone else gets 404."""

from __future__ import annotations

from django.db.models import QuerySet

from zhiben.accounts.models import Role, User

from .models import ImportJob


def import_jobs(*, actor: User) -> QuerySet[ImportJob]:
    qs = ImportJob.objects.select_related("actor")
    return qs if actor.role == Role.ADMIN else qs.filter(actor=actor)


def import_get(*, actor: User, job_id: str) -> ImportJob | None:
    return import_jobs(actor=actor).filter(pk=job_id).first()
