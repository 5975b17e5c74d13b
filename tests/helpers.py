"""What several test modules share, in one place: the seeds, the figures the article states, and
the check that an answer is a problem document. Test modules import from here, not from each other."""

import hashlib
from pathlib import Path
from typing import Any

import httpx

from app.settings import PROJECT_ROOT

SEEDS = PROJECT_ROOT / "seeds"


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# The figures table: what the article states, and nothing else.
FIGURES = {
    "urumqi-freight-trains-2023-02-06": {
        "port": "urumqi", "metric": "freight_trains", "value": 6500, "unit": "trains", "qualifier": "exact",
        "period_start": None, "period_end": "2023-02-06", "yoy_change_pct": None, "yoy_qualifier": None,
        "prior_year_value": None, "prior_year_qualifier": None, "value_text": "6,500th",
    },
    "alataw-cargo-tonnage-2023-01": {
        "port": "alataw", "metric": "cargo_tonnage", "value": 1110000, "unit": "tonnes", "qualifier": "more_than",
        "period_start": "2023-01-01", "period_end": "2023-01-31", "yoy_change_pct": 12.8, "yoy_qualifier": "exact",
        "prior_year_value": 983606.55, "prior_year_qualifier": "more_than", "value_text": "more than 1.11 million tonnes",
    },
    "bakti-vehicle-crossings-2023-01": {
        "port": "bakti", "metric": "vehicle_crossings", "value": 3800, "unit": "vehicles", "qualifier": "more_than",
        "period_start": "2023-01-01", "period_end": "2023-01-31", "yoy_change_pct": 156, "yoy_qualifier": "more_than",
        "prior_year_value": None, "prior_year_qualifier": None, "value_text": "exceeded 3,800",
    },
    "bakti-cargo-tonnage-2023-01": {
        "port": "bakti", "metric": "cargo_tonnage", "value": 34106, "unit": "tonnes", "qualifier": "more_than",
        "period_start": "2023-01-01", "period_end": "2023-01-31", "yoy_change_pct": 125, "yoy_qualifier": "exact",
        "prior_year_value": 15124.61, "prior_year_qualifier": "more_than", "value_text": "over 34,106 tonnes",
    },
    "bakti-inspection-time-2023-02-09": {
        "port": "bakti", "metric": "inspection_time", "value": 30, "unit": "minutes", "qualifier": "at_most",
        "period_start": None, "period_end": "2023-02-09", "yoy_change_pct": None, "yoy_qualifier": None,
        "prior_year_value": None, "prior_year_qualifier": None, "value_text": "within half an hour",
    },
}  # fmt: skip

PROBLEM = "application/problem+json"


def assert_problem(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status
    assert response.headers["content-type"] == PROBLEM
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    assert body["title"] and body["detail"]
    return body
