"""app.negotiation: RFC 9110 media ranges and q-values, one helper for every negotiated route."""

import pytest

from app.negotiation import accepts_coding, preferred, quality


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


@pytest.mark.parametrize(
    "accept_encoding, takes_gzip",
    [
        (None, False),  # no header: no coding, though RFC 9110 would allow any
        ("", False),
        ("gzip", True),
        ("GZIP", True),
        ("gzip, deflate, br", True),
        ("x-gzip", True),  # the old name, the same coding
        ("gzip;q=0", False),
        ("*", True),
        ("*;q=0", False),
        ("gzip;q=0, *", False),  # gzip's own entry wins over *
        ("identity", False),
        ("br;q=1.0, gzip;q=0.5", True),
        ("gzip;q=x", False),  # a q that is not a number: the entry counts for nothing
    ],
)
def test_accepts_coding(accept_encoding: str | None, takes_gzip: bool) -> None:
    assert accepts_coding(accept_encoding, "gzip") is takes_gzip
