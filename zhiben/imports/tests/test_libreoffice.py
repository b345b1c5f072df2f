"""A workbook made by LibreOffice (Debian's libreoffice-calc, headless, converting a CSV) imports like
Excel's. ``.ci/run`` installs libreoffice-calc-nogui and runs this with ZHIBEN_REQUIRE_LIBREOFFICE=1, so
there it fails rather than skips; elsewhere it runs where ``soffice`` is installed."""

from __future__ import annotations

import datetime
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from zhiben.hazards.models import Hazard

from .test_imports import run

pytestmark = pytest.mark.django_db
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def libreoffice_xlsx(tmp_path: Path, csv_text: str) -> bytes:
    if SOFFICE is None:
        if os.environ.get("ZHIBEN_REQUIRE_LIBREOFFICE") == "1":
            pytest.fail("soffice not found: apt-get install libreoffice-calc-nogui")
        pytest.skip("LibreOffice is not installed here (CI installs it)")
    source = tmp_path / "隐患台账.csv"
    source.write_text(csv_text, encoding="utf-8")
    profile = tmp_path / "lo-profile"
    # CSV filter: comma, double quote, UTF-8 (76), from line 1, Chinese (2052), detect dates and numbers
    subprocess.run(
        [
            SOFFICE,
            "--headless",
            "--norestore",
            f"-env:UserInstallation={profile.as_uri()}",
            "--infilter=CSV:44,34,76,1,,2052,false,true",
            "--convert-to",
            "xlsx:Calc MS Excel 2007 XML",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        timeout=180,
        capture_output=True,
    )
    return (tmp_path / "隐患台账.xlsx").read_bytes()


def test_a_libreoffice_workbook_imports(api_as, officer, tmp_path) -> None:
    from zhiben.tests_support import factories

    # a code with letters: an all-digit one becomes a number in any spreadsheet (see the next test)
    firm = factories.enterprise(
        credit_code="91500241MA5U0DEM30", name="秀山县清溪化工有限公司", sector="hazardous_chemicals"
    )
    csv_text = (
        "序号,企业名称,统一社会信用代码,隐患内容,级别,来源,排查日期,整改时限,判定标准,部位,编号\n"
        f"1,{firm.name},{firm.credit_code},储罐区静电接地失效,重大,检查,2024-03-01,2024/4/1,SAWS121C-1,罐区,LO-1\n"
        f"2,{firm.name},{firm.credit_code},消防通道堵塞,一般,企业自查,2024年3月2日,2024-04-02,,,LO-2\n"
    )
    data = libreoffice_xlsx(tmp_path, csv_text)
    assert data[:2] == b"PK"
    job = run(api_as(officer), "hazards", data)
    assert job["status"] == "done", job["report"]
    by_ref = {h.external_ref: h for h in Hazard.objects.all()}
    assert by_ref["LO-1"].level == "major" and by_ref["LO-1"].discovered_on == datetime.date(2024, 3, 1)
    assert by_ref["LO-1"].deadline == datetime.date(2024, 4, 1)
    assert by_ref["LO-2"].discovered_on == datetime.date(2024, 3, 2) and by_ref["LO-2"].source == "self_check"


def test_an_all_digit_code_turned_into_a_number_is_explained(api_as, officer) -> None:
    from .test_imports import HAZARD_HEADER, workbook

    rows: list[list[Any]] = [HAZARD_HEADER, [915002410123456789, "x", "一般", "检查", "2024-03-01", "", "", "", ""]]
    job = run(api_as(officer), "hazards", workbook(rows))
    assert job["status"] == "invalid" and "文本" in job["report"]["errors"][0]["message"]
