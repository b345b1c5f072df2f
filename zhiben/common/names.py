"""What people type, made comparable: names (of enterprises and the like) and codes (receipts, credit codes).

A name is stored as the user typed it; what is compared is its :func:`name_key`. A code has one meaning
and is compared as its :func:`code_key`. Both undo what keyboards, input methods and copy-and-paste do
to the same text:

- full-width and half-width forms (``（）``/``()``, ``ＡＢＣ１２３``/``ABC123``), by NFKC;
- spaces of every kind (ASCII, the ideographic space U+3000, NBSP, thin spaces) and invisible format
  characters (zero-width space and joiners, BOM, direction marks, soft hyphen: Unicode category Cf);
- the many dashes (‐‑‒–—―－ and ``-``, the minus sign, the small form);
- for names, the middle dots people put in or leave out (·・•‧ and their kin) and 【】/［］/〔〕 against [];
- case.

Nothing here reads the database.
"""

from __future__ import annotations

import re
import unicodedata

# Every dash a keyboard, an input method or a word processor produces: hyphen, non-breaking hyphen, figure
# dash, en and em dashes, horizontal bar, minus sign, the two-em and three-em dashes, small and full-width
# hyphen-minus, hyphen bullet, and the katakana long-vowel mark (full and half width) that IMEs offer beside
# the dash. The wave dashes 〜～ are left: they mean "to".
DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u2e3a\u2e3b\ufe58\ufe63\uff0d\u2043\u30fc\uff70"
_DASH = re.compile(f"[{re.escape(DASHES)}]")
# Middle dots between the parts of a transliterated name (阿卜杜·热合曼): Latin-1, katakana (full- and
# half-width), bullet, hyphenation point, dot operator, bullet operator, Greek ano teleia.
MIDDLE_DOTS = "\u00b7\u30fb\uff65\u2022\u2027\u22c5\u2219\u0387"
_DOTS = re.compile(f"[{MIDDLE_DOTS}]")
# Brackets NFKC leaves apart: lenticular, tortoise-shell and white brackets are all written for [].
_BRACKETS = str.maketrans({"【": "[", "】": "]", "〔": "[", "〕": "]", "〖": "[", "〗": "]", "［": "[", "］": "]"})
_SPACE_OR_FORMAT = re.compile(r"[\s\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff]")


def _invisible(char: str) -> bool:
    return char.isspace() or unicodedata.category(char) == "Cf"


def strip_invisible(text: str) -> str:
    """``text`` without any whitespace or format character (Cf), anywhere in it."""
    text = _SPACE_OR_FORMAT.sub("", text)
    if text.isascii():
        return text
    return "".join(c for c in text if not _invisible(c))


def name_key(raw: object) -> str:
    """The comparison key of a name: ``重庆清溪建材有限公司(秀山分公司)`` and ``重庆清溪建材有限公司（秀山分公司）``
    have one key, as do ``ＡＢＣ`` and ``abc``, ``阿卜杜·热合曼`` and ``阿卜杜・热合曼`` (or with no dot),
    ``A—B`` and ``A-B``, and a name with a zero-width space or an ideographic space in it and without.

    Returns text: NFKC, with [] for 【】〔〕［］, every dash as ``-``, no middle dots, no whitespace or
    format characters, case-folded. Idempotent: ``name_key(name_key(x)) == name_key(x)``. ``None`` is ``""``."""
    text = "" if raw is None else str(raw)
    # NFKC and case folding can each undo the other's fixed point (a folded letter with a compatibility
    # form): apply both until nothing changes, so that the key of a key is itself
    for _ in range(4):
        before = text
        text = unicodedata.normalize("NFKC", text).translate(_BRACKETS)
        text = _DOTS.sub("", _DASH.sub("-", text))
        text = strip_invisible(text).casefold()
        if text == before:
            break
    return text


def code_key(raw: object, *, dash: str = "") -> str:
    """A code as typed or pasted (a receipt ``ＷＢＤＦ–…``, a credit code ``9150 0241…``), in the form it is
    stored and compared: NFKC (full-width letters and digits to ASCII), without whitespace, format
    characters, upper case; dashes of any kind removed, or made ``dash`` where they belong to the code
    (``SAWS121C–1``). ``None`` is ``""``."""
    text = "" if raw is None else str(raw)
    for _ in range(4):  # upper case and NFKC, until neither changes anything (as for name_key)
        before = text
        text = _DASH.sub(dash, strip_invisible(unicodedata.normalize("NFKC", text))).upper()
        if text == before:
            break
    return text
