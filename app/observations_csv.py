"""Observations as CSV (RFC 4180, a header row, CRLF line ends): the CSV pages of /v1/observations
and the bulk download are written by these functions, and by nothing else.

Pure: rows of values in COLUMNS order in (app.dataset.csv_rows makes them), text out.
"""

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

MEDIA_TYPE = "text/csv; charset=utf-8; header=present"
COLUMNS = [
    "id", "port", "metric", "value", "unit", "qualifier", "value_text", "unit_text", "scope",
    "period_start", "period_end", "period_text", "yoy_change_pct", "yoy_qualifier", "yoy_text",
    "prior_year_value", "prior_year_qualifier", "value_low", "value_high", "low_inclusive", "high_inclusive",
    "prior_year_low", "prior_year_high", "prior_year_low_inclusive", "prior_year_high_inclusive", "source_id", "quote", "quote_start", "quote_end", "note",
]  # fmt: skip


def to_csv(rows: Iterable[Sequence[Any]], header: bool = True) -> str:
    """CSV text of `rows`, each a row of values in COLUMNS order (dataset.csv_rows makes them);
    csv.writer writes None as an empty field."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)  # RFC 4180: CRLF line ends, quotes where needed
    if header:
        writer.writerow(COLUMNS)
    writer.writerows(rows)
    return buffer.getvalue()
