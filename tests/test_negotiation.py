"""app.negotiation: RFC 9110 media ranges and q-values, one helper for every negotiated route."""

import pytest

from app.negotiation import preferred, quality


@pytest.mark.parametrize(
    "accept, media_type, expected",
    [
        ("text/csv", "text/csv", 1.0),
        ("text/*;q=0.4", "text/csv", 0.4),
        ("*/*;q=0.1, text/*;q=0.3, text/csv;q=0.7", "text/csv", 0.7),  # the most specific range decides
        ("text/csv;q=0, */*", "text/csv", 0.0),  # refused by name, though */* accepts anything
        ("application/json", "text/csv", 0.0),
        ("TEXT/CSV; Q=0.5", "text/csv", 0.5),
        ("text/csv;q=x, text/*;q=0.2", "text/csv", 0.2),  # a malformed q counts for nothing
        ("text/csv;charset=utf-8;q=0.8", "text/csv", 0.8),
    ],
)
def test_quality(accept: str, media_type: str, expected: float) -> None:
    assert quality(accept, media_type) == expected


@pytest.mark.parametrize(
    "accept, chosen",
    [
        (None, "application/json"),
        ("", "application/json"),
        ("text/csv, application/json", "application/json"),  # a tie goes to the first offered
        ("application/json;q=0.5, text/csv", "text/csv"),
        ("text/*", "text/csv"),
        ("image/png", "application/json"),
    ],
)
def test_preferred(accept: str | None, chosen: str) -> None:
    assert preferred(accept, ["application/json", "text/csv"]) == chosen
