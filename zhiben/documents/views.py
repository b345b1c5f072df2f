"""The document download for the pages: ``/documents/<register>/<id>/<kind>/``, same rules as the API."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect

from zhiben.accounts.request import request_actor
from zhiben.common.errors import Conflict, NotFound

from .api import docx_response, subject_of
from .services import document_get


@login_required
def document_view(request: HttpRequest, segment: str, subject_id: int, kind: str) -> HttpResponse:
    """The .docx; 404 outside the actor's scope; back to the record's page with the reason when refused."""
    actor = request_actor(request)
    try:
        register, subject = subject_of(actor, segment, subject_id)
        return docx_response(document_get(register=register, subject=subject, kind=kind, actor=actor))
    except NotFound as exc:
        raise Http404("文书不存在") from exc
    except Conflict as exc:
        messages.error(request, exc.message)
        # a register's pages live under its path, like its API (/hazards/12/)
        return redirect(f"/{segment}/{subject_id}/")
