"""Load sectors and the criteria catalogue from the TOML files in ``data/`` (see data/criteria/README.md)."""

from __future__ import annotations

import datetime
import re
import tomllib
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent / "data"
CODE_RE = re.compile(r"^[A-Z0-9]+(-[A-Z0-9]+)+$")
ALL = "*"


class CatalogueError(ValueError):
    """A data file breaks the catalogue format."""


def read_sectors() -> list[dict[str, Any]]:
    with (DATA_DIR / "sectors.toml").open("rb") as fh:
        return list(tomllib.load(fh)["sector"])


def read_standards() -> list[dict[str, Any]]:
    """Every standard file, validated: unique codes of the right shape, known sector keys."""
    sector_keys = {s["key"] for s in read_sectors()}
    seen: set[str] = set()
    standards = []
    for path in sorted((DATA_DIR / "criteria").glob("*.toml")):
        with path.open("rb") as fh:
            doc = tomllib.load(fh)
        for field in ("key", "title", "number"):
            if not doc.get(field):
                raise CatalogueError(f"{path.name}: missing {field}")
        default_sectors = doc.get("sectors", [])
        for clause in doc.get("clause", []):
            code = clause.get("code", "")
            if not CODE_RE.match(code):
                raise CatalogueError(f"{path.name}: bad code {code!r}")
            if code in seen:
                raise CatalogueError(f"{path.name}: duplicate code {code}")
            seen.add(code)
            if not clause.get("text") or not clause.get("article"):
                raise CatalogueError(f"{path.name}: {code} needs text and article")
            sectors = clause.get("sectors", default_sectors)
            unknown = set(sectors) - sector_keys - {ALL}
            if unknown or not sectors:
                raise CatalogueError(f"{path.name}: {code} has unknown or no sectors {sorted(unknown)}")
            clause["sectors"] = sectors
        standards.append(doc)
    return standards


def _date(value: Any) -> datetime.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value))


def load_reference(apps_or_models: Any) -> dict[str, int]:
    """Create or update sectors, standards and clauses. Idempotent; never deletes a clause (hazards cite them)."""
    get = apps_or_models.get_model
    Sector = get("reference", "Sector")
    Standard = get("reference", "CriteriaStandard")
    Criterion = get("reference", "Criterion")

    for position, row in enumerate(read_sectors()):
        Sector.objects.update_or_create(
            key=row["key"],
            defaults={"name": row["name"], "group": row.get("group", ""), "position": position},
            create_defaults={
                "name": row["name"],
                "group": row.get("group", ""),
                "position": position,
                "high_risk": row["high_risk"],
            },
        )
    clauses = 0
    for doc in read_standards():
        Standard.objects.update_or_create(
            key=doc["key"],
            defaults={"title": doc["title"], "number": doc["number"], "effective": _date(doc.get("effective"))},
        )
        for position, clause in enumerate(doc.get("clause", [])):
            criterion, _ = Criterion.objects.update_or_create(
                code=clause["code"],
                defaults={
                    "standard_id": doc["key"],
                    "article": clause["article"],
                    "part": clause.get("part", ""),
                    "text": clause["text"],
                    "all_sectors": ALL in clause["sectors"],
                    "withdrawn": bool(clause.get("withdrawn", False)),
                    "position": position,
                },
            )
            criterion.sectors.set([k for k in clause["sectors"] if k != ALL])
            clauses += 1
    return {"sectors": Sector.objects.count(), "clauses": clauses}
