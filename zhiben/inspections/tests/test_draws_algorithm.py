"""The draw algorithm (zhiben/inspections/draws.py, docs/draws.md): the worked example of the docs, the reference
script, and properties over any pools and seeds (hypothesis). No database."""

from __future__ import annotations

import json
import math
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zhiben.inspections import draws

SEED = "2026-xiushan-01"
FIRMS = ["91500241158813992P", "915002418698797364", "91500241091141705L", "915002417536455673", "91500241815188446F"]
PEOPLE = ["渝应急执500103", "渝应急执500101", "渝应急执500104", "渝应急执500102"]
DOCS = Path(__file__).resolve().parents[3] / "docs" / "draws.md"

# The worked example of docs/draws.md, byte for byte.
EXAMPLE = (
    '{"algorithm":{"name":"zhiben-draw-sha256","version":"1"},"enterprises":2,"inspectors":2,'
    '"picks":[{"enterprise":"91500241158813992P","inspectors":["渝应急执500104","渝应急执500102"]},'
    '{"enterprise":"915002418698797364","inspectors":["渝应急执500104","渝应急执500101"]}],'
    '"picks_digest":"3f5313de4bd55fd86d3ff4cb22f945264452d812f267e790296a1a0732fcd4b5",'
    '"pool":{"digest":"5dccbd409fdfb9f47adfdaf44aa8924bff4ba7b7dcd31294e670c31df8c215ff",'
    '"enterprises":["91500241091141705L","91500241158813992P","915002417536455673","91500241815188446F",'
    '"915002418698797364"],"inspectors":["渝应急执500101","渝应急执500102","渝应急执500103","渝应急执500104"],'
    '"order":"ascending by Unicode code point (UTF-8 byte order)"},"seed":"2026-xiushan-01"}'
)


def example() -> dict:
    return draws.run(seed=SEED, enterprises=FIRMS, inspectors=PEOPLE, count=2, team_size=2)


def test_the_worked_example_gives_the_documented_bytes() -> None:
    assert draws.canonical_json(example()).decode("utf-8") == EXAMPLE


def test_the_docs_state_the_example_and_a_reference_script_of_15_lines(tmp_path: Path) -> None:
    text = DOCS.read_text(encoding="utf-8")
    assert EXAMPLE in text
    script = re.search(r"```python\n# verify\.py\n(.*?)```", text, re.S)
    assert script is not None, "docs/draws.md: the reference script block"
    lines = script.group(1).strip("\n").splitlines()
    assert len([line for line in lines if line.strip()]) <= 15  # and one blank line after the imports
    imports = {m for line in lines for m in re.findall(r"^import (.+)$", line) for m in m.split(", ")}
    assert imports <= {"hashlib", "json", "sys"}
    path = tmp_path / "verify.py"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (tmp_path / "draw.json").write_bytes(EXAMPLE.encode("utf-8"))
    done = subprocess.run([sys.executable, str(path), str(tmp_path / "draw.json")], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["一致", draws.picks_digest(example()["picks"])]
    # the script says so when a pick was changed
    tampered = json.loads(EXAMPLE)
    tampered["picks"][0]["inspectors"][1] = "渝应急执500103"
    (tmp_path / "draw.json").write_text(json.dumps(tampered, ensure_ascii=False), encoding="utf-8")
    done = subprocess.run([sys.executable, str(path), str(tmp_path / "draw.json")], capture_output=True, text=True)
    assert done.stdout.split()[0] == "不一致"


def test_the_example_by_hand() -> None:
    """Each step as docs/draws.md states it: keys, smallest first; the teams' swaps."""
    doc = example()
    keys = {c: draws.sha256_hex(f"{SEED}|E|{c}") for c in FIRMS}
    assert [p["enterprise"] for p in doc["picks"]] == sorted(FIRMS, key=keys.__getitem__)[:2]
    team = sorted(PEOPLE)
    code = doc["picks"][0]["enterprise"]
    for j in range(2):
        r = j + int(draws.sha256_hex(f"{SEED}|I|{code}|{j}"), 16) % (len(team) - j)
        team[j], team[r] = team[r], team[j]
    assert doc["picks"][0]["inspectors"] == team[:2]


def test_verify_accepts_the_document_and_names_what_was_changed() -> None:
    doc = example()
    assert draws.verify(doc)["verified"] is True
    tampered = json.loads(json.dumps(doc))
    tampered["picks"][1]["enterprise"] = "91500241091141705L"
    answer = draws.verify(tampered)
    assert answer["verified"] is False
    assert [d["field"] for d in answer["differences"]] == ["picks[1].enterprise", "picks_digest"]
    assert answer["picks"] == doc["picks"]
    pool = json.loads(json.dumps(doc))
    pool["pool"]["enterprises"].remove("91500241815188446F")  # an enterprise left out of the pool
    answer = draws.verify(pool)
    assert answer["verified"] is False and "pool.digest" in {d["field"] for d in answer["differences"]}
    unsorted = json.loads(json.dumps(doc))
    unsorted["pool"]["inspectors"].reverse()
    assert {d["field"] for d in draws.verify(unsorted)["differences"]} == {"pool.inspectors"}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"algorithm": {"name": "zhiben-draw-sha256", "version": "2"}}, "algorithm"),
        ({"algorithm": "x"}, "algorithm"),
        ({"seed": "no spaces allowed"}, "seed"),
        ({"seed": "x" * 129}, "seed"),
        ({"seed": 12}, "seed"),
        ({"pool": []}, "pool"),
        ({"pool": {"enterprises": "a", "inspectors": []}}, "pool.enterprises"),
        ({"pool": {"enterprises": ["a", "a"], "inspectors": ["x", "y"]}}, "pool.enterprises"),
        ({"pool": {"enterprises": ["a", 1], "inspectors": ["x", "y"]}}, "pool.enterprises[1]"),
        ({"pool": {"enterprises": ["a"], "inspectors": ["x", ""]}}, "pool.inspectors[1]"),
        ({"pool": {"enterprises": [], "inspectors": ["x", "y"]}, "enterprises": 1}, "pool.enterprises"),
        ({"picks": {"a": 1}}, "picks"),
        ({"picks": [1]}, "picks[0]"),
        ({"picks": [{"enterprise": 3, "inspectors": []}]}, "picks[0].enterprise"),
        ({"picks": [{"enterprise": "a", "inspectors": [1]}]}, "picks[0].inspectors"),
        ({"enterprises": 99}, "enterprises"),
        ({"enterprises": 0}, "enterprises"),
        ({"enterprises": True}, "enterprises"),
        ({"enterprises": "2"}, "enterprises"),
        ({"inspectors": 1}, "inspectors"),
        ({"inspectors": 5}, "inspectors"),
    ],
)
def test_a_document_that_cannot_be_recomputed_names_the_field(change: dict, field: str) -> None:
    doc = {**example(), **change}
    with pytest.raises(draws.DrawError) as caught:
        draws.verify(doc)
    assert caught.value.field == field
    assert re.search(r"[\u4e00-\u9fff]", caught.value.message)


@pytest.mark.parametrize(
    ("pool", "ratio", "n"),
    [(100, "5", 5), (101, "5", 6), (10, "0.01", 1), (3, "100", 3), (0, "50", 0), (7, "33.33", 3), (7, "33.34", 3)],
)
def test_a_ratio_is_rounded_up_and_gives_at_least_one(pool: int, ratio: str, n: int) -> None:
    assert draws.count_from_ratio(pool, Decimal(ratio)) == n


@pytest.mark.parametrize("ratio", ["0", "-1", "100.01", "NaN", "Infinity"])
def test_a_ratio_outside_0_to_100_is_refused(ratio: str) -> None:
    with pytest.raises(draws.DrawError) as caught:
        draws.count_from_ratio(10, Decimal(ratio))
    assert caught.value.field == "ratio"


def test_a_new_seed_is_32_hex_digits_and_valid() -> None:
    seed = draws.new_seed()
    assert re.fullmatch(r"[0-9a-f]{32}", seed) and draws.check_seed(seed) == seed
    assert draws.new_seed() != seed


# --- properties -------------------------------------------------------------------------------------------

codes = st.text(alphabet="0123456789ABCDEFGHJKLMNPQRTUWXY", min_size=1, max_size=18)
certificates = st.text(min_size=1, max_size=12).filter(lambda s: "\x00" not in s)
seeds = st.from_regex(r"[0-9A-Za-z_-]{1,40}", fullmatch=True)


@st.composite
def draw_inputs(draw: st.DrawFn) -> dict:
    firms = draw(st.lists(codes, min_size=1, max_size=40, unique=True))
    people = draw(st.lists(certificates, min_size=2, max_size=12, unique=True))
    return {
        "seed": draw(seeds),
        "enterprises": firms,
        "inspectors": people,
        "count": draw(st.integers(1, len(firms))),
        "team_size": draw(st.integers(2, len(people))),
    }


@settings(max_examples=150, deadline=None)
@given(inputs=draw_inputs(), shuffle=st.randoms(use_true_random=False))
def test_the_same_inputs_give_the_same_bytes_whatever_the_pools_order(inputs: dict, shuffle) -> None:
    first = draws.canonical_json(draws.run(**inputs))
    firms, people = list(inputs["enterprises"]), list(inputs["inspectors"])
    shuffle.shuffle(firms)
    shuffle.shuffle(people)
    again = draws.canonical_json(draws.run(**{**inputs, "enterprises": firms, "inspectors": people}))
    assert again == first


@settings(max_examples=150, deadline=None)
@given(inputs=draw_inputs())
def test_picks_are_n_distinct_members_of_the_pool_with_distinct_teams(inputs: dict) -> None:
    doc = draws.run(**inputs)
    picked = [p["enterprise"] for p in doc["picks"]]
    assert len(picked) == inputs["count"] == doc["enterprises"]
    assert len(set(picked)) == len(picked)
    assert set(picked) <= set(inputs["enterprises"])
    for p in doc["picks"]:
        assert len(p["inspectors"]) == inputs["team_size"] == doc["inspectors"]
        assert len(set(p["inspectors"])) == len(p["inspectors"])
        assert set(p["inspectors"]) <= set(inputs["inspectors"])
    assert doc["pool"]["enterprises"] == sorted(inputs["enterprises"])
    assert doc["pool"]["inspectors"] == sorted(inputs["inspectors"], key=lambda s: s.encode("utf-8"))
    assert draws.verify(json.loads(draws.canonical_json(doc)))["verified"] is True


@settings(max_examples=60, deadline=None)
@given(inputs=draw_inputs(), n=st.integers(1, 40))
def test_a_larger_n_extends_the_smaller_draw(inputs: dict, n: int) -> None:
    """Keys do not depend on N: the first picks of a larger draw are the smaller draw."""
    n = min(n, len(inputs["enterprises"]))
    small, large = sorted((n, inputs["count"]))
    a = draws.run(**{**inputs, "count": small})["picks"]
    b = draws.run(**{**inputs, "count": large})["picks"]
    assert b[:small] == a


def test_changing_the_seed_changes_the_picks() -> None:
    """Over 200 seeds, picking 5 of 100 enterprises: the picks differ from seed to seed and every enterprise's
    chance is about 5% (each is picked between 1 and 30 times of 200, where 10 is expected)."""
    firms = [f"E{i:03d}" for i in range(100)]
    people = [f"P{i}" for i in range(10)]
    seen: dict[str, int] = dict.fromkeys(firms, 0)
    results = set()
    leaders: dict[str, int] = dict.fromkeys(people, 0)
    for s in range(200):
        doc = draws.run(seed=f"s{s}", enterprises=firms, inspectors=people, count=5, team_size=2)
        picked = tuple(p["enterprise"] for p in doc["picks"])
        results.add(picked)
        for code in picked:
            seen[code] += 1
        for p in doc["picks"]:
            leaders[p["inspectors"][0]] += 1
    assert len(results) == 200
    assert all(1 <= k <= 30 for k in seen.values()), seen
    # 1,000 teams: each of 10 inspectors leads about 100 of them
    assert all(50 <= k <= 150 for k in leaders.values()), leaders
    assert math.isclose(sum(seen.values()) / len(firms), 10)


def test_code_point_order_is_utf8_byte_order_beyond_the_basic_plane() -> None:
    """Python sorts by code point; the specification says so and that it equals UTF-8 byte order (UTF-16 code
    units, as JavaScript sorts, differ for characters beyond U+FFFF)."""
    people = ["\U00020000甲", "\uff5e乙", "丙", "A"]
    doc = draws.run(seed="x", enterprises=["E1"], inspectors=people, count=1, team_size=2)
    assert doc["pool"]["inspectors"] == sorted(people, key=lambda s: s.encode("utf-8"))
    assert doc["pool"]["inspectors"] != sorted(people, key=lambda s: s.encode("utf-16-be"))


def test_the_public_page_shows_the_same_script_as_the_docs() -> None:
    import html

    template = Path(draws.__file__).parent / "templates" / "inspections" / "draw_algorithm.html"
    shown = re.search(r"<pre[^>]*>(.*?)</pre>", template.read_text(encoding="utf-8"), re.S)
    documented = re.search(r"```python\n# verify\.py\n(.*?)```", DOCS.read_text(encoding="utf-8"), re.S)
    assert shown is not None and documented is not None
    assert html.unescape(shown.group(1)).strip() == documented.group(1).strip()
