"""The filing register's contract (zhiben/tests_support/contract.py): a filing and its enterprise's statistics are
seen by the officers of its region and sectors and by its own users; to everyone else every endpoint and page
answers 404 and changes nothing, and the lists and the roll-up do not count it."""

from __future__ import annotations

import datetime
import io

from zhiben.filings.services import filing_create
from zhiben.tests_support import factories, files
from zhiben.tests_support.contract import (
    COUNTY,
    RECORD_SECTOR,
    Call,
    Listing,
    RegisterContract,
    Spec,
    Subject,
    World,
    api_count,
)

FILING = "/api/v1/filings/{id}"
STATISTICS = "/api/v1/enterprises/{credit_code}/statistics"


def make_filing(world: World) -> Subject:
    png = files.png()
    filing = filing_create(
        actor=world.users["enterprise"],
        enterprise=world.firm.credit_code,
        period="2026Q3",
        scan=(io.BytesIO(png), "signed.png", len(png)),
        today=datetime.date(2026, 10, 12),
    )
    return Subject(filing, {"id": filing.pk, "credit_code": world.firm.credit_code})


def more_filings(world: World, n: int) -> None:
    """``n`` more enterprises of the county, each having filed (the lists count enterprises)."""
    for i in range(n):
        firm = factories.enterprise(region=COUNTY, sector=RECORD_SECTOR)
        user = factories.user(f"c-more-{firm.pk}-{i}", role="enterprise", enterprise=firm)
        filing_create(actor=user, enterprise=firm.credit_code, period="2026Q3", today=datetime.date(2026, 10, 12))


SPEC = Spec(
    name="filings",
    prefixes=("/api/v1/filings", "/filings/"),
    make=make_filing,
    make_more=more_filings,
    calls=(
        Call("GET", FILING),
        Call("GET", f"{FILING}/scan"),
        Call("GET", f"{STATISTICS}?period=2026Q3"),
        Call("GET", f"{STATISTICS}.xlsx?period=2026Q3"),
        Call("GET", f"{STATISTICS}.docx?period=2026Q3"),
        # filing for the firm: its own users only (an officer in scope 403); nothing is recorded for outsiders
        Call("POST", "/api/v1/filings", body={"enterprise": "{credit_code}", "period": "2026Q2"}, refused=(403, 404)),
    ),
    lists=(
        Listing("/api/v1/filings", {"period": "2026Q3", "filed": "true"}, count=api_count, baseline=8),
        Listing(
            "/api/v1/filings/summary", {"period": "2026Q3"}, count=lambda body: body["totals"]["filed"], baseline=8
        ),
        Listing("/filings/", {"period": "2026Q3"}, marker="{credit_code}", baseline=16),
    ),
    elsewhere={
        "GET /api/v1/filings/summary.xlsx": "the roll-up's workbook: zhiben/filings/tests/test_filings.py (scope)",
    },
)


class TestFilingContract(RegisterContract):
    spec = SPEC
