"""Load sectors and the criteria catalogue from the TOML files in ``data/`` (see data/criteria/README.md)."""

from __future__ import annotations

import datetime
import re
import tomllib
from pathlib import Path
from typing import Any

from .models import strip_topic_prefix

DATA_DIR = Path(__file__).resolve().parent / "data"
CODE_RE = re.compile(r"^[A-Z0-9]+(-[A-Z0-9]+)+$")
ALL = "*"

HEADER_KEYS = frozenset(
    {"key", "title", "number", "effective", "effective_to", "source", "supersedes", "sectors", "note", "clause"}
)
CLAUSE_KEYS = frozenset(
    {
        "code",
        "article",
        "part",
        "sectors",
        "text",
        "topic_only",
        "withdrawn",
        "effective",
        "effective_to",
        "kind",
        "place",
    }
)
PLACE_KEYS = frozenset({"key", "name", "threshold", "elements"})
KINDS = ("clause", "composite", "determination")
# "# counts: 第四条 3, 第五条 9 (total 12)": the clauses in the file per article/part label, and their total.
COUNTS_RE = re.compile(r"^#\s*counts:\s*(?P<body>.*?)\s*\(total\s+(?P<total>\d+)\)\s*$")
# What may follow a label for a clause to count under it: anything but a digit (Arabic or Chinese), so that
# 4.1 does not take 4.10 and 第十 does not take 第十一.
DIGITS = "0123456789〇零一二三四五六七八九十百"


class CatalogueError(ValueError):
    """A data file breaks the catalogue format; the message names the file and the key."""


def read_sectors() -> list[dict[str, Any]]:
    with (DATA_DIR / "sectors.toml").open("rb") as fh:
        return list(tomllib.load(fh)["sector"])


def criteria_files() -> list[Path]:
    return sorted((DATA_DIR / "criteria").glob("*.toml"))


def _date(value: Any, where: str) -> datetime.date | None:
    """A TOML date or an ISO ``YYYY-MM-DD`` string; CatalogueError naming ``where`` otherwise."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        raise CatalogueError(f"{where}: a date without time is expected, got {value!r}")
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        raise CatalogueError(f"{where}: bad date {value!r} (YYYY-MM-DD)") from None


def _dates(doc: dict[str, Any], where: str) -> tuple[datetime.date | None, datetime.date | None]:
    start = _date(doc.get("effective"), f"{where} key 'effective'")
    end = _date(doc.get("effective_to"), f"{where} key 'effective_to'")
    if start and end and end < start:
        raise CatalogueError(f"{where} key 'effective_to': {end} is before effective {start}")
    return start, end


def _unknown(keys: Any, allowed: frozenset[str], where: str) -> None:
    extra = sorted(set(keys) - allowed)
    if extra:
        raise CatalogueError(f"{where}: unknown key {extra[0]!r} (allowed: {', '.join(sorted(allowed))})")


def read_standards() -> list[dict[str, Any]]:
    """Every standard file, validated: known keys only, dates, unique codes of the right shape, known sector
    keys, ``supersedes`` naming another file's key, determinations counting composite elements of their own
    file. Dates are returned as ``datetime.date`` (``effective``, ``effective_to``). Raises CatalogueError."""
    sector_keys = {s["key"] for s in read_sectors()}
    seen: set[str] = set()
    standards = []
    for path in criteria_files():
        with path.open("rb") as fh:
            try:
                doc = tomllib.load(fh)
            except tomllib.TOMLDecodeError as exc:
                raise CatalogueError(f"{path.name}: not TOML ({exc})") from None
        _unknown(doc, HEADER_KEYS, path.name)
        for field in ("key", "title", "number"):
            if not doc.get(field):
                raise CatalogueError(f"{path.name}: missing {field}")
        doc["effective"], doc["effective_to"] = _dates(doc, path.name)
        default_sectors = doc.get("sectors", [])
        kinds: dict[str, str] = {}
        for clause in doc.get("clause", []):
            code = clause.get("code", "")
            if not isinstance(code, str) or not CODE_RE.match(code):
                raise CatalogueError(f"{path.name}: bad code {code!r}")
            where = f"{path.name} clause {code}"
            _unknown(clause, CLAUSE_KEYS, where)
            if code in seen:
                raise CatalogueError(f"{path.name}: duplicate code {code}")
            seen.add(code)
            if not clause.get("text") or not clause.get("article"):
                raise CatalogueError(f"{path.name}: {code} needs text and article")
            for flag in ("topic_only", "withdrawn"):
                if not isinstance(clause.get(flag, False), bool):
                    raise CatalogueError(f"{where} key {flag!r}: true or false expected")
            clause["effective"], clause["effective_to"] = _dates(clause, where)
            kind = clause.setdefault("kind", "clause")
            if kind not in KINDS:
                raise CatalogueError(f"{where} key 'kind': {kind!r} is not one of {', '.join(KINDS)}")
            if ("place" in clause) != (kind == "determination"):
                raise CatalogueError(f"{where} key 'place': a determination and only a determination has places")
            kinds[code] = kind
            sectors = clause.get("sectors", default_sectors)
            unknown = set(sectors) - sector_keys - {ALL}
            if unknown or not sectors:
                raise CatalogueError(f"{path.name}: {code} has unknown or no sectors {sorted(unknown)}")
            clause["sectors"] = sectors
        for clause in doc.get("clause", []):
            for place in clause.get("place", []):
                _check_place(place, kinds, f"{path.name} clause {clause['code']} place")
        doc["_file"] = path.name
        standards.append(doc)
    keys = {doc["key"] for doc in standards}
    for doc in standards:
        if doc.get("supersedes") and (doc["supersedes"] not in keys or doc["supersedes"] == doc["key"]):
            raise CatalogueError(f"{doc['_file']} key 'supersedes': {doc['supersedes']!r} is not another file's key")
    return standards


def _check_place(place: dict[str, Any], kinds: dict[str, str], where: str) -> None:
    _unknown(place, PLACE_KEYS, where)
    if not place.get("key") or not place.get("name"):
        raise CatalogueError(f"{where}: needs key and name")
    threshold = place.get("threshold")
    if not isinstance(threshold, int) or isinstance(threshold, bool) or threshold < 1:
        raise CatalogueError(f"{where} {place['key']} key 'threshold': a whole number of at least 1 expected")
    for code in place.get("elements", []):
        if kinds.get(code) != "composite":
            raise CatalogueError(f"{where} {place['key']} key 'elements': {code} is not a composite element here")


def read_counts(path: Path) -> tuple[dict[str, int], int] | None:
    """The ``# counts:`` comment of a data file: ({label: count}, total), or None when it has none.
    Raises CatalogueError on a line that does not parse."""
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("# counts:"):
            continue
        m = COUNTS_RE.match(line)
        if not m:
            raise CatalogueError(f"{path.name}: counts line does not end with '(total N)': {line!r}")
        counts: dict[str, int] = {}
        for item in filter(None, (part.strip() for part in m["body"].split(","))):
            label, _, number = item.rpartition(" ")
            if not label or not number.isdigit():
                raise CatalogueError(f"{path.name}: counts item {item!r} is not 'LABEL N'")
            counts[label.strip()] = int(number)
        return counts, int(m["total"])
    return None


def counts_under(label: str, clauses: list[dict[str, Any]]) -> int:
    """How many clauses count under ``label``: ``part`` equal to it, or ``article`` starting with it and not
    followed by a digit (Arabic or Chinese)."""

    def under(clause: dict[str, Any]) -> bool:
        article = str(clause.get("article", ""))
        if clause.get("part") == label:
            return True
        return article.startswith(label) and (len(article) == len(label) or article[len(label)] not in DIGITS)

    return sum(1 for clause in clauses if under(clause))


def load_reference(apps_or_models: Any) -> dict[str, int]:
    """Create or update sectors, standards and clauses. Idempotent; never deletes a clause (hazards cite
    them) and never touches a local standard an admin entered."""
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
    standards = read_standards()
    for doc in standards:
        Standard.objects.update_or_create(
            key=doc["key"],
            defaults={
                "title": doc["title"],
                "number": doc["number"],
                "effective_from": doc["effective"],
                "effective_to": doc["effective_to"],
                "source": doc.get("source", ""),
                "note": doc.get("note", ""),
                "local": False,
            },
        )
        for position, clause in enumerate(doc.get("clause", [])):
            topic_only = bool(clause.get("topic_only", False))
            rule = None
            if clause["kind"] == "determination":
                rule = {
                    "places": [
                        {
                            "key": p["key"],
                            "name": p["name"],
                            "threshold": p["threshold"],
                            "elements": list(p.get("elements", [])),
                        }
                        for p in clause["place"]
                    ]
                }
            criterion, _ = Criterion.objects.update_or_create(
                code=clause["code"],
                defaults={
                    "standard_id": doc["key"],
                    "article": clause["article"],
                    "part": clause.get("part", ""),
                    # a topic-only entry's 【…】 warning becomes its label (models.TOPIC_ONLY_LABEL)
                    "text": strip_topic_prefix(clause["text"]) if topic_only else clause["text"],
                    "text_available": not topic_only,
                    "own_effective_from": clause["effective"],
                    "own_effective_to": clause["effective_to"],
                    "kind": clause["kind"],
                    "rule": rule,
                    "all_sectors": ALL in clause["sectors"],
                    "withdrawn": bool(clause.get("withdrawn", False)),
                    "position": position,
                },
            )
            criterion.sectors.set([k for k in clause["sectors"] if k != ALL])
            clauses += 1
    for doc in standards:  # once every edition exists
        Standard.objects.filter(key=doc["key"]).update(supersedes_id=doc.get("supersedes") or None)
    return {"sectors": Sector.objects.count(), "clauses": clauses}
