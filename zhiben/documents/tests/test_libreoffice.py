"""Every document opens cleanly in LibreOffice: converted headlessly to PDF (Debian's
libreoffice-writer-nogui), it gives a non-empty PDF. ``.ci/run`` installs LibreOffice and runs this with
ZHIBEN_REQUIRE_LIBREOFFICE=1, so there it fails rather than skips; elsewhere it runs where ``soffice``
is installed."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from .conftest import closed_hazard, verified_tip

pytestmark = pytest.mark.django_db
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def to_pdf(tmp_path: Path, name: str, content: bytes) -> bytes:
    if SOFFICE is None:
        if os.environ.get("ZHIBEN_REQUIRE_LIBREOFFICE") == "1":
            pytest.fail("soffice not found: apt-get install libreoffice-writer-nogui")
        pytest.skip("LibreOffice is not installed here (CI installs it)")
    source = tmp_path / f"{name}.docx"
    source.write_bytes(content)
    profile = tmp_path / "lo-profile"
    subprocess.run(
        [
            SOFFICE,
            "--headless",
            "--norestore",
            f"-env:UserInstallation={profile.as_uri()}",
            "--convert-to",
            "pdf:writer_pdf_Export",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        timeout=180,
        capture_output=True,
    )
    pdf = tmp_path / f"{name}.pdf"
    assert pdf.is_file(), f"LibreOffice made no PDF of {name}"
    return pdf.read_bytes()


def test_every_document_converts_to_pdf(api_as, officer, firm, firm_user, tip_handler, tmp_path) -> None:
    api = api_as(officer)
    hazard_id = closed_hazard(api, firm_user, firm)
    handler = api_as(tip_handler)
    tip_id, _ = verified_tip(handler)
    handler.post(f"/api/v1/tips/{tip_id}/messages", {"facts": "经查属实", "handling": "已责令停止违法动火作业。"})
    documents = {
        "listing_notice": api.get(f"/api/v1/hazards/{hazard_id}/documents/listing_notice"),
        "closeout_form": api.get(f"/api/v1/hazards/{hazard_id}/documents/closeout_form"),
        "reply": handler.get(f"/api/v1/tips/{tip_id}/documents/reply"),
    }
    for name, response in documents.items():
        assert response.status_code == 200, (name, response.content[:300])
        pdf = to_pdf(tmp_path, name, response.content)
        assert pdf.startswith(b"%PDF-") and len(pdf) > 5000, name
        out = os.environ.get("ZHIBEN_DOCUMENTS_PDF_DIR")  # keep the PDFs to look at (CI: artifacts/)
        if out:
            Path(out).mkdir(parents=True, exist_ok=True)
            (Path(out) / f"{name}.pdf").write_bytes(pdf)
