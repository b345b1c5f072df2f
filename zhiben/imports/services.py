"""Ledger imports: upload (checked, stored, a job), validation (a report, nothing written), then on
confirmation the import itself — validated again and written in one transaction, all or nothing."""

from __future__ import annotations

import datetime
import hashlib
import logging
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from huey.contrib.djhuey import db_task
from xlsxwriter.utility import xl_col_to_name

from zhiben.accounts.models import User
from zhiben.audit.services import event_append
from zhiben.common.errors import Conflict, FieldErrors, NotFound, PermissionDenied
from zhiben.common.ledgers import CellProblem, Checked, Ledger, LedgerRows

from .headers import Mapping, find_header
from .ledgers import ledger_get
from .models import ImportJob, JobStatus
from .workbook import Merge, WorkbookRejected, check_workbook, error_workbook, max_bytes, read_rows

log = logging.getLogger(__name__)
MAX_REPORTED = 500  # errors kept in the job's report (the error workbook has them all)
PROGRESS_EVERY = 2000


def import_create(*, actor: User, kind: str, stream: IO[bytes], name: str) -> ImportJob:
    """Check and keep an uploaded workbook, then queue its validation. Nothing is imported yet."""
    ledger = ledger_get(kind)
    if ledger is None:
        raise NotFound("没有这种台账")
    if actor.role not in ledger.writers:
        raise PermissionDenied(ledger.refusal)
    digest = hashlib.sha256()
    size = 0
    limit = _limit()
    with tempfile.NamedTemporaryFile(suffix=".xlsx") as tmp:
        while chunk := stream.read(1024 * 1024):
            size += len(chunk)
            if size > limit:  # stop reading: a huge upload is refused without holding it
                break
            digest.update(chunk)
            tmp.write(chunk)
        tmp.flush()
        again = _same_upload(actor, kind, digest.hexdigest(), size)
        if again is not None:
            return again
        try:
            check_workbook(Path(tmp.name), size)
        except WorkbookRejected as exc:
            raise FieldErrors({"file": str(exc)}) from exc
        tmp.seek(0)
        job = ImportJob(
            kind=kind, actor=actor, original_name=(name or "工作簿.xlsx")[-200:], size=size, sha256=digest.hexdigest()
        )
        job.file.save(f"{job.id}.xlsx", File(tmp), save=False)
    job.save()
    validate_import(str(job.id))  # queued (run at once where Huey is immediate, as in the tests)
    return job


def _same_upload(actor: User, kind: str, sha256: str, size: int) -> ImportJob | None:
    """The job of the same workbook uploaded by the same user a moment ago and not yet imported (a double
    tap, a retry after a lost answer): answered instead of a second job. Within SUBMISSION_KEEP_MINUTES."""
    since = timezone.now() - datetime.timedelta(minutes=settings.ZHIBEN["SUBMISSION_KEEP_MINUTES"])
    return (
        ImportJob.objects.filter(
            actor=actor,
            kind=kind,
            sha256=sha256,
            size=size,
            created_at__gte=since,
            status__in=(JobStatus.VALIDATING, JobStatus.VALIDATED),
        )
        .order_by("-created_at")
        .first()
    )


def _limit() -> int:
    return max_bytes() + 1


def import_confirm(*, actor: User, job_id: str) -> ImportJob:
    """Import a validated workbook (in the background)."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().filter(pk=job_id, actor=actor).first()
        if job is None:
            raise NotFound("导入任务不存在")
        if job.status != JobStatus.VALIDATED:
            raise Conflict(f"当前状态为“{job.get_status_display()}”，不能导入")
        job.status = JobStatus.IMPORTING
        job.progress = 0
        job.save(update_fields=["status", "progress"])
    run_import(str(job.id))
    job.refresh_from_db()
    return job


# ------------------------------------------------------------------------------------- the work
@dataclass
class Analysis:
    sheet: str
    header: list[Any]
    mapping: Mapping | None
    rows: list[tuple[int, list[Any]]]  # (Excel row number, cells)
    checked: list[Checked]
    problems: list[dict[str, Any]]  # every error: sheet, row, column, field, message
    file_error: str = ""
    filled_by_role: list[str] = field(default_factory=list)  # headers of the columns the role fills


def analyse(job: ImportJob, ledger: Ledger, progress: Callable[[int, int], None] | None = None) -> Analysis:
    """Read, map, parse and check every row by the ledger's register; nothing is written."""
    checker: LedgerRows = ledger.rows(job.actor)
    if not job.file:
        return Analysis("", [], None, [], [], [], "上传的文件已按保留期限删除：请重新上传")
    try:
        sheet, rows, merges = read_rows(Path(job.file.path))
    except WorkbookRejected as exc:
        return Analysis("", [], None, [], [], [], str(exc))
    mapping = find_header(ledger, rows, merges)
    empty = Analysis(sheet, [], mapping, [], [], [])
    empty.filled_by_role = [c.header for c in ledger.columns if c.field in ledger.fixed_by_role(job.actor)]
    if mapping is None:
        empty.file_error = f"找不到列名行：请使用“{ledger.title}”模板，第一行写列名（如 {ledger.columns[0].header}）"
        return empty
    _fill_merged_data(rows, merges, mapping.data_start)
    header: list[Any] = list(mapping.labels)  # one label per column, a stacked header's joined with "/"
    empty.header = header
    fixed = ledger.fixed_by_role(job.actor)
    found = {c.field for c in mapping.columns.values()} | fixed
    missing = [c.header for c in ledger.columns if c.required and c.field not in found]
    for group in ledger.required_any:
        if not found & set(group):
            missing.append("或".join(ledger.column(f).header for f in group))
    if missing:
        empty.file_error = f"缺少必需的列：{'、'.join(missing)}（列名行在{_header_rows(mapping)}）"
        return empty
    data_rows = [
        (i + 1, list(cells))
        for i, cells in enumerate(rows[mapping.data_start :], start=mapping.data_start)
        if any(c not in (None, "") and str(c).strip() for c in cells)
    ]
    max_rows = _max_rows()
    if len(data_rows) > max_rows:
        empty.file_error = f"数据行过多（{len(data_rows)} 行），一次最多 {max_rows} 行：请分成几个文件"
        return empty
    if not data_rows:
        empty.file_error = "没有数据行"
        return empty
    parsed: list[dict[str, Any]] = []
    for _, cells in data_rows:
        parsed.append(
            {col.field: col.parser(cells[i] if i < len(cells) else None) for i, col in mapping.columns.items()}
        )
    checker.prepare(parsed)
    columns_of = {c.field: i for i, c in mapping.columns.items()}
    checked: list[Checked] = []
    problems: list[dict[str, Any]] = []
    for n, ((row_no, _), data) in enumerate(zip(data_rows, parsed, strict=True), start=1):
        unreadable = {f: v.message for f, v in data.items() if isinstance(v, CellProblem)}
        result = checker.check(row_no, {f: ("" if f in unreadable else v) for f, v in data.items()})
        if unreadable:  # the parser's reason comes first: it is what the user must fix
            result.errors = {**result.errors, **unreadable}
            result.action = ""
        checked.append(result)
        for fld, message in result.errors.items():
            index = _column_for(fld, ledger, columns_of)
            problems.append(
                {
                    "sheet": sheet,
                    "row": row_no,
                    "column": _column_letter(index) if index is not None else "",
                    "header": str(header[index]).strip() if index is not None and index < len(header) else "",
                    "field": fld,
                    "message": message,
                    "_index": index,
                }
            )
        if progress and n % PROGRESS_EVERY == 0:
            progress(n, len(data_rows))
    return Analysis(sheet, header, mapping, data_rows, checked, problems, filled_by_role=empty.filled_by_role)


def _fill_merged_data(rows: list[list[Any]], merges: list[Merge], start: int) -> None:
    """A cell merged down (or across) the data rows, such as one enterprise's name over its hazards, holds
    its value in every row it covers: Excel keeps it in the top-left cell only."""
    for (r0, c0), (r1, c1) in merges:
        if r0 < start or r0 >= len(rows) or c0 >= len(rows[r0]):
            continue
        value = rows[r0][c0]
        for r in range(r0, min(r1, len(rows) - 1) + 1):
            row = rows[r]
            for c in range(c0, min(c1, len(row) - 1) + 1):
                row[c] = value


def _header_rows(mapping: Mapping) -> str:
    first = mapping.header_row + 1
    return f"第 {first} 行" if mapping.header_rows == 1 else f"第 {first}–{first + mapping.header_rows - 1} 行"


def _max_rows() -> int:
    return int(settings.ZHIBEN["IMPORT_MAX_ROWS"])


def _column_for(fld: str, ledger: Ledger, columns_of: dict[str, int]) -> int | None:
    for name in (*ledger.error_columns.get(fld, ()), fld, fld.removesuffix("_id")):
        if name in columns_of:
            return columns_of[name]
    return None


def _column_letter(index: int) -> str:
    return str(xl_col_to_name(index))


def _report(analysis: Analysis) -> dict[str, Any]:
    counts = {"create": 0, "update": 0, "unchanged": 0}
    for c in analysis.checked:
        if c.action:
            counts[c.action] += 1
    mapping = analysis.mapping
    return {
        "sheet": analysis.sheet,
        "header_row": mapping.header_row + 1 if mapping else None,
        "header_rows": mapping.header_rows if mapping else None,
        "columns": {_label(analysis, i): c.header for i, c in sorted(mapping.columns.items())} if mapping else {},
        "ignored_columns": mapping.ignored if mapping else [],
        "inferred_columns": [mapping.inferred[i] for i in sorted(mapping.inferred)] if mapping else [],
        "filled_by_role": analysis.filled_by_role,
        "rows": len(analysis.rows),
        "file_error": analysis.file_error,
        "error_count": len(analysis.problems),
        "error_rows": len({p["row"] for p in analysis.problems}),
        "errors": [{k: v for k, v in p.items() if k != "_index"} for p in analysis.problems[:MAX_REPORTED]],
        **counts,
    }


def _label(analysis: Analysis, index: int) -> str:
    label = str(analysis.header[index]).strip() if index < len(analysis.header) else ""
    return label or f"{_column_letter(index)}列"


def _save_errors(job: ImportJob, analysis: Analysis) -> None:
    if not analysis.problems:
        return
    bad: dict[int, dict[int, str]] = {}
    messages: dict[int, list[str]] = {}
    for p in analysis.problems:
        if p["_index"] is not None:
            bad.setdefault(p["row"], {})[p["_index"]] = p["message"]
        label = p["header"] or p["field"]
        messages.setdefault(p["row"], []).append(f"{label}：{p['message']}")
    data = error_workbook(
        analysis.sheet,
        analysis.header,
        ((cells, bad.get(row_no, {}), "；".join(messages.get(row_no, []))) for row_no, cells in analysis.rows),
    )
    name = f"{job.id}-errors.xlsx"
    if job.error_file:
        job.error_file.delete(save=False)
    job.error_file.save(name, ContentFile(data), save=False)


def _ledger(job: ImportJob) -> Ledger:
    found = ledger_get(job.kind)
    if found is None:
        raise NotFound("没有这种台账")
    return found


def _write(job: ImportJob, ledger: Ledger, checked: list[Checked]) -> None:
    """Every checked row through the register's bulk services (the same rows, events and counts as its
    single-record services), each event naming the import and the row; inside the caller's transaction."""
    source = {"job": str(job.id), "file": job.original_name}
    creates = [c for c in checked if c.action == "create"]
    ledger.create_many(
        actor=job.actor,
        rows=[c.cleaned for c in creates],
        context=({"import": {**source, "row": c.row}} for c in creates),
    )
    updates = [c for c in checked if c.action == "update"]
    ledger.update_many(
        actor=job.actor,
        rows=[(c.target, c.cleaned) for c in updates],
        context=({"import": {**source, "row": c.row}} for c in updates),
    )


def _progress(job: ImportJob) -> Callable[[int, int], None]:
    def report(done: int, total: int) -> None:
        ImportJob.objects.filter(pk=job.pk).update(progress=done, total=total)

    return report


def validate_job(job_id: str) -> ImportJob:
    """Check every row and keep the report (and an error workbook when there are errors). A fault of the
    checker itself ends the job as 校验未通过 with the reason in its report, never a job left 校验中."""
    job = ImportJob.objects.select_related("actor").get(pk=job_id)
    try:
        analysis = analyse(job, _ledger(job), _progress(job))
        job.report = _report(analysis)
        job.total = job.progress = len(analysis.rows)
        _save_errors(job, analysis)
        job.status = JobStatus.INVALID if analysis.problems or analysis.file_error else JobStatus.VALIDATED
    except Exception as exc:  # the user must hear of it: the job would otherwise wait for ever
        log.exception("validation of import %s failed", job.pk)
        job.report = {**(job.report or {}), "file_error": f"校验时出错，未写入任何数据：{exc.__class__.__name__}"}
        job.status = JobStatus.INVALID
    job.finished_at = timezone.now()
    job.save()
    return job


def import_job(job_id: str) -> ImportJob:
    """Validate again (the database may have changed since) and write everything, or nothing."""
    job = ImportJob.objects.select_related("actor").get(pk=job_id)
    ledger = _ledger(job)
    try:
        with transaction.atomic():
            # Write first, so SQLite's write lock is held from the check to the last insert: no other
            # writer slips in between (and the ids allocated for the new rows stay free).
            ImportJob.objects.filter(pk=job.pk).update(progress=0)
            analysis = analyse(job, ledger)
            if analysis.problems or analysis.file_error:
                raise _Invalid(analysis)
            _write(job, ledger, analysis.checked)
            report = _report(analysis)
            event_append(
                actor=job.actor,
                subject_type="import",
                subject_id=str(job.id),
                kind="imported",
                payload={
                    "kind": job.kind,
                    "file": job.original_name,
                    "sha256": job.sha256,
                    **{k: report[k] for k in ("rows", "create", "update", "unchanged")},
                },
            )
    except _Invalid as invalid:
        job.report = _report(invalid.analysis)
        _save_errors(job, invalid.analysis)
        job.status = JobStatus.FAILED
    except Exception as exc:  # e.g. a concurrent registration of the same code: nothing was written
        log.exception("import %s failed", job.pk)
        job.report = {**job.report, "file_error": f"导入时出错，未写入任何数据：{exc.__class__.__name__}"}
        job.status = JobStatus.FAILED
    else:
        job.report = report
        job.status = JobStatus.DONE
    job.progress = job.total = int(job.report.get("rows") or 0)
    job.finished_at = timezone.now()
    job.save()
    return job


class _Invalid(Exception):
    def __init__(self, analysis: Analysis) -> None:
        super().__init__("invalid")
        self.analysis = analysis


def imports_forget_files(*, older_than_days: int) -> int:
    """Delete the stored workbooks of jobs finished more than ``older_than_days`` ago (their reports and
    events stay): uploaded ledgers hold personal data (names, phone numbers) and are not kept forever."""
    cutoff = timezone.now() - datetime.timedelta(days=older_than_days)
    forgotten = 0
    for job in ImportJob.objects.filter(finished_at__lt=cutoff).exclude(file=""):
        for f in (job.file, job.error_file):
            if f:
                f.delete(save=False)
        job.save(update_fields=["file", "error_file"])
        forgotten += 1
    return forgotten


# ------------------------------------------------------------------------------------- the queue
# The two jobs live beside the services they run (tasks.py re-exports them for Huey's discovery), so
# that queueing them needs no import back from tasks.py.


@db_task()
def validate_import(job_id: str) -> str:
    """Validate an uploaded workbook (Huey, right after the upload)."""
    return str(validate_job(job_id).status)


@db_task()
def run_import(job_id: str) -> str:
    """Import a validated workbook (Huey, after the user confirms)."""
    return str(import_job(job_id).status)
