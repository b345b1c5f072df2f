"""The import pages: templates to download, an upload form, the job page (polled while it runs)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from zhiben.accounts.request import request_actor
from zhiben.common.errors import Conflict, FieldErrors, NotFound, PermissionDenied
from zhiben.common.views import post_or_back
from zhiben.common.xlsx import xlsx_response

from .ledgers import ledger_get, ledgers
from .models import ImportJob
from .selectors import import_get, import_jobs
from .services import import_confirm, import_create
from .workbook import template


def _kinds(request: HttpRequest) -> list[tuple[str, str]]:
    role = request_actor(request).role
    return [(kind, ledger.title) for kind, ledger in sorted(ledgers().items()) if role in ledger.writers]


@login_required
def import_list(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    kinds = _kinds(request)
    if not kinds:
        raise Http404
    error = ""
    chosen = request.POST.get("kind") or request.GET.get("kind") or kinds[0][0]
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            error = "请选择要上传的 Excel 文件（.xlsx）"
        else:
            try:
                job = import_create(actor=actor, kind=chosen, stream=upload, name=upload.name or "")
            except FieldErrors as exc:
                error = "；".join(exc.errors.values())  # every refusal at once (one round of errors)
            except (PermissionDenied, NotFound) as exc:
                error = str(exc)
            else:
                return redirect("import-detail", job_id=job.pk)
    page = Paginator(import_jobs(actor=actor), 20).get_page(request.GET.get("page"))
    return render(
        request,
        "imports/list.html",
        {"kinds": kinds, "chosen": chosen, "page": page, "query": "", "error": error},
        status=422 if error else 200,
    )


@login_required
def import_template(request: HttpRequest, kind: str) -> HttpResponse:
    ledger = ledger_get(kind)
    if ledger is None:
        raise Http404
    return xlsx_response(template(ledger), f"{ledger.title}导入模板.xlsx", fallback=f"{kind}-template.xlsx")


def _job(request: HttpRequest, job_id: str) -> ImportJob:
    job = import_get(actor=request_actor(request), job_id=str(job_id))
    if job is None:
        raise Http404
    return job


@login_required
def import_detail(request: HttpRequest, job_id: str) -> HttpResponse:
    job = _job(request, job_id)
    partial = request.headers.get("HX-Request") == "true"
    return render(request, "imports/_status.html" if partial else "imports/detail.html", {"job": job})


@login_required
@post_or_back("import-detail")
def import_confirm_view(request: HttpRequest, job_id: str) -> HttpResponse:
    job = _job(request, job_id)
    try:
        import_confirm(actor=request_actor(request), job_id=str(job.pk))
    except (Conflict, NotFound) as exc:
        messages.error(request, str(exc))
    return redirect("import-detail", job_id=job.pk)


@login_required
def import_errors(request: HttpRequest, job_id: str) -> HttpResponse:
    job = _job(request, job_id)
    if not job.error_file:
        raise Http404
    with job.error_file.open("rb") as f:
        data = f.read()
    stem = job.original_name.rsplit(".", 1)[0]
    return xlsx_response(data, f"{stem}-错误标注.xlsx", fallback="import-errors.xlsx")
