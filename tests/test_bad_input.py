"""Bad input gets a clear message and nothing the API would reject is sent."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tui.core.edits import parse_valuation
from tui.core.people_refs import valid_user_id
from tui.ui.screens.lookup import normalise_username


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("75000", 75000.0),
        ("75,000", 75000.0),
        ("1,000.50", 1000.5),
        ("$75k", 75000.0),
        ("1.5m", 1_500_000.0),
        (" 12 345 ", 12345.0),
        ("", None),
        ("   ", None),
    ],
)
def test_valuations_accepted(typed: str, value: float | None) -> None:
    assert parse_valuation(typed) == value


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("abc", "is a number"),
        ("12abc", "is a number"),
        ("-500", "cannot be negative"),
        ("1.000,50", "dot for decimals"),
        ("1,00", "is a number"),
        ("99999999999999999", "too large"),
        ("1e400", "is a number"),
        ("nan", "is a number"),
        ("inf", "is a number"),
    ],
)
def test_valuations_refused_with_a_reason(typed: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_valuation(typed)


@given(st.text(max_size=30))
def test_valuation_parsing_never_crashes(text: str) -> None:
    try:
        value = parse_valuation(text)
    except ValueError as exc:
        assert str(exc)
    else:
        assert value is None or (value >= 0 and value <= 1e12)


@pytest.mark.parametrize("raw", ["12ab", "1" * 21, "-5", "1.5", "", "１２３"])
def test_malformed_user_ids(raw: str) -> None:
    assert not valid_user_id(raw)


def test_user_ids() -> None:
    assert valid_user_id("1876543210987654321")


@pytest.mark.parametrize("raw", ["@jordan_rivera", "JordanRivera", " jordan "])
def test_usernames_normalised(raw: str) -> None:
    assert normalise_username(raw) in ("jordan_rivera", "jordanrivera", "jordan")


@pytest.mark.parametrize("raw", ["", "@", "bad name", "a/b", "x?y", "../etc", "名前"])
def test_bad_usernames(raw: str) -> None:
    assert normalise_username(raw) is None
