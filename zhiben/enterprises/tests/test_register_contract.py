"""The enterprise register's contract (zhiben/tests_support/contract.py): an enterprise is seen by the
officers of its region and sectors and by its own users, edited by the officers only; to everyone else
every endpoint and page answers 404 and changes nothing, and the lists do not show it."""

from __future__ import annotations

from zhiben.tests_support import factories
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

ENTERPRISE = "/api/v1/enterprises/{credit_code}"
PAGE = "/enterprises/{credit_code}"
EDIT = {"name": "改名后的企业", "credit_code": "{credit_code}", "region": COUNTY, "sector": RECORD_SECTOR}
NEW = {"credit_code": "91440300708461136T", "name": "新登记企业", "region": COUNTY, "sector": RECORD_SECTOR}


def the_firm(world: World) -> Subject:
    """The record is the world's firm itself: its user is the enterprise user of the contract."""
    return Subject(world.firm, {"credit_code": world.firm.credit_code})


def more_firms(world: World, n: int) -> None:
    for _ in range(n):
        factories.enterprise(region=COUNTY, sector=RECORD_SECTOR)


SPEC = Spec(
    name="enterprises",
    prefixes=("/api/v1/enterprises", "/enterprises/"),
    make=the_firm,
    make_more=more_firms,
    calls=(
        Call("GET", ENTERPRISE),
        Call("PATCH", ENTERPRISE, body={"name": "改名后的企业"}),
        Call("GET", f"{PAGE}/"),
        # the edit form is the officers' (an enterprise user gets 404 as for a stranger's)
        Call("GET", f"{PAGE}/edit/", inside=("officer",), also_outside=("enterprise",)),
        Call("POST", f"{PAGE}/edit/", body=EDIT, inside=("officer",), also_outside=("enterprise",)),
        # registering one in the county: refused to everyone outside it, and nothing is registered
        Call("POST", "/api/v1/enterprises", body=NEW, refused=(403, 404, 422)),
        Call("POST", "/enterprises/new/", body=NEW, inside=("officer",), refused=(200, 403, 404, 422)),
        Call("GET", "/enterprises/new/", inside=("officer",), refused=(200, 404)),
    ),
    lists=(
        Listing("/api/v1/enterprises", {"q": "{credit_code}"}, count=api_count, baseline=5),
        Listing("/api/v1/enterprises/export", {"q": "{credit_code}"}, marker="{credit_code}", baseline=4),
        Listing("/enterprises/", {"q": "{credit_code}"}, marker='href="/enterprises/{credit_code}/"', baseline=9),
        Listing("/enterprises/?format=xlsx", {"q": "{credit_code}"}, marker="{credit_code}", baseline=4),
    ),
    elsewhere={
        f"GET {ENTERPRISE}/statistics": "16号令 statistics: zhiben/filings/tests/test_register_contract.py",
        f"GET {ENTERPRISE}/statistics.xlsx": "16号令 statistics: zhiben/filings/tests/test_register_contract.py",
        f"GET {ENTERPRISE}/statistics.docx": "16号令 statistics: zhiben/filings/tests/test_register_contract.py",
        f"GET {ENTERPRISE}/dual-prevention.json": "双重预防数据接口: zhiben/risks/tests/test_interface_contract.py",
        f"POST {ENTERPRISE}/dual-prevention.json": "双重预防数据接口: zhiben/risks/tests/test_interface_contract.py",
        f"POST {ENTERPRISE}/rhythm-tasks": "日周月 check tasks: zhiben/risks/tests/test_checks_contract.py",
        f"GET {ENTERPRISE}/layout": "四色图: zhiben/risks/tests/test_map_contract.py",
        f"POST {ENTERPRISE}/layout": "四色图: zhiben/risks/tests/test_map_contract.py",
        f"GET {ENTERPRISE}/risk-map": "四色图: zhiben/risks/tests/test_map_contract.py",
        f"GET {ENTERPRISE}/risk-profile": "risk register settings: zhiben/risks/tests/test_register_contract.py",
        f"PUT {ENTERPRISE}/risk-profile": "risk register settings: zhiben/risks/tests/test_register_contract.py",
    },
)


class TestEnterpriseContract(RegisterContract):
    spec = SPEC
