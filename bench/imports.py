"""The import benchmark (issue 5): a 100,000-row hazard workbook, validated then imported (on each database
bench/run.py covers; the issue's target is for SQLite).

Run by bench/measure.py in a fresh process (``python bench/measure.py import``) so that the peak memory
it reports (ru_maxrss) is the import's own: Django, the workbook read by python-calamine, the checked
rows, the bulk insert.
"""

from __future__ import annotations

import datetime
import os
import random
import resource
import tempfile
import time
from pathlib import Path
from typing import Any

import xlsxwriter

ROWS = int(os.environ.get("BENCH_IMPORT_ROWS", "100000"))


def make_hazard_workbook(path: Path, rows: int, enterprises: list[tuple[str, str, str]], seed: int = 5) -> None:
    """A ledger as a county would send it: a title row, Chinese headers, dates as Excel dates and text."""
    from zhiben.reference.selectors import criteria_for

    rng = random.Random(seed)
    # each sector's clauses a ledger may cite alone, with their dates; filtered by the row's discovery date
    clauses: dict[str, list[tuple[str, datetime.date | None, datetime.date | None]]] = {}
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("隐患台账")
    date = book.add_format({"num_format": "yyyy-mm-dd"})
    sheet.write_row(0, 0, ["2024年度重大事故隐患排查整治台账"])
    header = [
        "序号",
        "企业名称",
        "统一社会信用代码",
        "隐患内容",
        "隐患级别",
        "来源",
        "排查日期",
        "整改时限",
        "判定依据",
        "部位",
        "编号",
    ]
    sheet.write_row(1, 0, header)
    start = datetime.date(2024, 1, 1)
    for i in range(rows):
        code, name, sector = enterprises[rng.randrange(len(enterprises))]
        major = rng.random() < 0.1
        criterion = ""
        found = start + datetime.timedelta(days=rng.randrange(600))
        if major:
            # a clause a ledger may cite alone: the sector's, in force on the discovery date (FACTS §2)
            if sector not in clauses:
                citable = criteria_for(sector=sector).filter(kind="clause")
                clauses[sector] = [(c.code, c.effective_from, c.effective_to) for c in citable]
            in_force = [c for c, a, b in clauses[sector] if (a is None or a <= found) and (b is None or found <= b)]
            criterion = rng.choice(in_force) if in_force else ""
            major = bool(criterion)
        r = i + 2
        sheet.write_number(r, 0, i + 1)
        sheet.write_string(r, 1, name)
        sheet.write_string(r, 2, code)
        sheet.write_string(
            r, 3, f"隐患{i + 1}：{rng.choice(['消防通道堵塞', '配电箱无门', '安全出口上锁', '储罐静电接地失效'])}"
        )
        sheet.write_string(r, 4, "重大" if major else "一般")
        sheet.write_string(r, 5, rng.choice(["检查", "企业自查", "群众举报", "其他"]))
        if i % 2:
            sheet.write_datetime(r, 6, datetime.datetime.combine(found, datetime.time()), date)
        else:
            sheet.write_string(r, 6, f"{found.year}年{found.month}月{found.day}日")
        sheet.write_string(r, 7, (found + datetime.timedelta(days=30)).strftime("%Y/%m/%d"))
        sheet.write_string(r, 8, criterion)
        sheet.write_string(r, 9, "生产车间")
        sheet.write_string(r, 10, f"BENCH-{i + 1:06d}")
    book.close()


def measure_import() -> list[dict[str, Any]]:
    from django.core.files import File

    from zhiben.accounts.models import User
    from zhiben.enterprises.models import Enterprise
    from zhiben.imports.models import ImportJob
    from zhiben.imports.services import import_job, validate_job

    admin = User.objects.filter(username="bench-admin").first() or User.objects.create(
        username="bench-admin", role="admin", is_staff=True, is_superuser=True
    )
    enterprises = list(Enterprise.objects.values_list("credit_code", "name", "sector_id")[:20000])
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "ledger.xlsx"
        started = time.perf_counter()
        make_hazard_workbook(path, ROWS, enterprises)
        made_s = time.perf_counter() - started
        job = ImportJob(kind="hazards", actor=admin, original_name="ledger.xlsx", size=path.stat().st_size, sha256="-")
        with path.open("rb") as f:
            job.file.save(f"{job.id}.xlsx", File(f), save=False)
        job.save()
    started = time.perf_counter()
    validated = validate_job(str(job.pk))
    validate_s = time.perf_counter() - started
    assert validated.status == "validated", validated.report.get("errors", [])[:3] or validated.report
    started = time.perf_counter()
    done = import_job(str(job.pk))
    import_s = time.perf_counter() - started
    assert done.status == "done", done.report
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return [
        {"name": f"write a {ROWS}-row hazard workbook (XlsxWriter)", "value": round(made_s, 2), "unit": "s"},
        {"name": f"import: validate {ROWS} rows (read, map, check)", "value": round(validate_s, 2), "unit": "s"},
        {"name": f"import: confirm {ROWS} rows (check again, write)", "value": round(import_s, 2), "unit": "s"},
        {"name": "import: validate + confirm", "value": round(validate_s + import_s, 2), "unit": "s"},
        {"name": "import: peak memory of the process", "value": round(peak_mb), "unit": "MB"},
        {"name": "import: hazards created", "value": done.report["create"], "unit": "rows"},
    ]
