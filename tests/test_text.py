"""The Vietnamese text basics (core/text.py): their doctests, their properties on any Vietnamese text, and the seeds.

core/ is what the converter, the index and the site share, so it must not need any of them.
"""

from __future__ import annotations

import doctest
import re
import subprocess
import sys
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from converters.patterns import LOWER_VI, UPPER_VI
from core import text
from core.text import accent_insensitive, fold, new_tone_placement, nfc, normalise_iy, slugify

from .conftest import ROOT, SEEDS

UNTIMED = settings(deadline=None)  # speed is the benchmarks' business; a loaded machine must not fail these
WORD = st.text(alphabet=LOWER_VI + UPPER_VI, min_size=1, max_size=8)
WORDS = st.lists(WORD, min_size=1, max_size=5)
VIETNAMESE = WORDS.map(" ".join)


def nfd(value: str) -> str:
    return unicodedata.normalize("NFD", value)


def test_doctests() -> None:
    result = doctest.testmod(text)
    assert result.attempted >= 15 and result.failed == 0


def test_core_needs_neither_converter_nor_index_nor_site() -> None:
    probe = "import sys, core.text; print(sorted({m.split('.')[0] for m in sys.modules} & {'converters', 'search_index', 'archive'}))"
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


# --- small cases a reader would notice --------------------------------------------------------------------------


def test_both_tone_placements_and_both_encodings_meet() -> None:
    spellings = ["hoà giải", "hòa giải", nfd("hoà giải"), nfd("hòa giải")]
    assert {new_tone_placement(s) for s in spellings} == {"hòa giải"}
    assert {fold(s) for s in spellings} == {"hoa giai"}


def test_uy_ban_in_capitals_old_and_new() -> None:
    assert new_tone_placement("UỶ BAN NHÂN DÂN") == "ỦY BAN NHÂN DÂN"
    assert fold("UỶ BAN NHÂN DÂN") == fold("Ủy ban nhân dân") == "uy ban nhan dan"


def test_d_with_stroke_folds_to_d_in_both_cases() -> None:
    assert fold("Đảng") == fold("đảng") == fold("DANG") == "dang"
    assert slugify("ĐẢNG ỦY XÃ ĐÔNG SƠN") == "dang-uy-xa-dong-son"


def test_i_and_y_of_one_syllable_meet_only_where_they_are_one_word() -> None:
    assert normalise_iy("quí") == normalise_iy("quý") == "quý"
    assert normalise_iy("kĩ") == normalise_iy("kỹ") == "kỹ"
    assert normalise_iy("li") != normalise_iy("ly")  # "li" (a unit) and "ly" (a cup) are different words


def test_accent_insensitive_finds_a_typed_phrase_at_its_own_offsets() -> None:
    line = "Ủy ban nhân dân xã Đông Sơn báo cáo kết quả xây dựng nông thôn mới"
    match = accent_insensitive(["xay", "dung", "nong", "thon"]).search(line)
    assert match and match.group() == "xây dựng nông thôn"
    assert accent_insensitive(["son", "bao"]).search(line) is not None
    assert accent_insensitive(["so"]).search(line) is None  # not inside "Sơn"


# --- properties -------------------------------------------------------------------------------------------------


@UNTIMED
@given(VIETNAMESE)
def test_fold_keeps_one_character_per_character_and_is_idempotent(value: str) -> None:
    folded = fold(value)
    assert len(folded) == len(value) and fold(folded) == folded
    assert folded.isascii()


@UNTIMED
@given(VIETNAMESE)
def test_nfd_input_gives_the_same_results(value: str) -> None:
    assert nfc(nfd(value)) == value
    assert fold(nfd(value)) == fold(value)
    assert new_tone_placement(nfd(value)) == new_tone_placement(value)


@UNTIMED
@given(VIETNAMESE)
def test_tone_placement_is_idempotent_and_changes_no_letter(value: str) -> None:
    placed = new_tone_placement(value)
    assert new_tone_placement(placed) == placed
    assert fold(placed) == fold(value) and len(placed) == len(value)


@UNTIMED
@given(WORD)
def test_normalise_iy_is_idempotent_and_only_spells_i_as_y(word: str) -> None:
    syllable = word.lower()
    spelt = normalise_iy(syllable)
    assert normalise_iy(spelt) == spelt
    assert spelt == syllable or fold(spelt) == fold(syllable).replace("i", "y")


@UNTIMED
@given(WORDS)
def test_accent_insensitive_finds_any_text_from_its_folded_words(words: list[str]) -> None:
    value = " ".join(words)
    match = accent_insensitive([fold(w) for w in words]).search(value)
    assert match is not None and match.span() == (0, len(value))


@UNTIMED
@given(st.text(max_size=200), st.integers(min_value=1, max_value=100))
def test_slug_is_url_safe_and_bounded(value: str, max_len: int) -> None:
    slug = slugify(value, max_len)
    assert re.fullmatch(r"(?:[a-z0-9]+(?:-[a-z0-9]+)*)?", slug) and len(slug) <= max_len


# --- real text ---------------------------------------------------------------------------------------------------


def test_every_word_of_the_seeds_is_found_by_its_folded_form_where_it_stands() -> None:
    assert SEEDS
    for seed in SEEDS:
        body = nfc(seed.read_text(encoding="utf-8"))
        folded = fold(body)
        assert len(folded) == len(body), seed.name  # offsets in the folded text are those of the text
        for found in list(re.finditer(r"\w+", body))[:400]:
            match = accent_insensitive([fold(found.group())]).search(body, found.start())
            assert match and match.span() == found.span(), (seed.name, found.group())
