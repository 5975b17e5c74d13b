"""Observations as CSV (RFC 4180, a header row, CRLF line ends): the CSV pages of /v1/observations
and the bulk download are written by these functions, and by nothing else.

Pure functions: observation_record()s in, text out.
"""

import csv
import io
from collections.abc import Iterable
from operator import itemgetter
from typing import Any

MEDIA_TYPE = "text/csv; charset=utf-8; header=present"
COLUMNS = [
    "id", "port", "metric", "value", "unit", "qualifier", "value_text", "unit_text", "scope",
    "period_start", "period_end", "period_text", "yoy_change_pct", "yoy_qualifier", "yoy_text",
    "prior_year_value", "prior_year_qualifier", "source_id", "quote", "quote_start", "quote_end", "note",
]  # fmt: skip

# A record's fields in COLUMNS order: its own, then its source's flattened (source_id, quote,
# quote_start, quote_end), then the note. csv.writer writes None as an empty field.
_OWN_FIELDS = itemgetter(*COLUMNS[: COLUMNS.index("source_id")])
_SOURCE_FIELDS = itemgetter("id", "quote", "start", "end")


def csv_values(record: dict[str, Any]) -> tuple[Any, ...]:
    """One observation (an observation_record) as a CSV row, in COLUMNS order."""
    return (*_OWN_FIELDS(record), *_SOURCE_FIELDS(record["source"]), record["note"])


def to_csv(records: Iterable[dict[str, Any]], header: bool = True) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)  # RFC 4180: CRLF line ends, quotes where needed
    if header:
        writer.writerow(COLUMNS)
    writer.writerows(csv_values(record) for record in records)
    return buffer.getvalue()
