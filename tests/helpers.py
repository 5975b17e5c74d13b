"""What several test modules share, in one place: the seeds the suite runs on and what they hold,
the figures today's article states, and the check that an answer is a problem document. Test
modules import from here, not from each other.

The suite follows the data: counts, ids, the ports without figures, headlines and dates come from
the seeds (`seeded()` and the functions below it), never typed into a test, so that adding an
article changes no test. The seeds are the configured ones (SEEDS_DIR, as `make seed` reads them),
so the whole suite can run against another seeds directory (tests/test_data_driven.py does)."""

import hashlib
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import httpx

from app import models
from app.dataset import MAX_VALID_VALUES
from app.seed import Seeds, load_seeds
from app.settings import get_settings

SEEDS = get_settings().seeds_dir.resolve()


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@cache
def seeded() -> Seeds:
    """The seeds as the seed reads them (whatever their files' layout), read and checked once."""
    return load_seeds(SEEDS)


def port_ids() -> list[str]:
    """Every port's id, in the API's order."""
    return sorted(port.id for port in seeded().ports)


def metric_ids() -> list[str]:
    return sorted(metric.id for metric in seeded().metrics)


def sources() -> list[models.Source]:
    """Every article, in the API's order (by id)."""
    return sorted(seeded().sources, key=lambda source: source.id)


def article(source_id: str) -> models.Source:
    """The seeded source of that id."""
    return next(source for source in seeded().sources if source.id == source_id)


def observations(
    port: str | None = None,
    metric: str | None = None,
    source: str | None = None,
    period_from: date | None = None,
    period_to: date | None = None,
) -> list[models.Observation]:
    """The seeded observations a filter selects, in the API's list order (period_end, id). A period
    filter selects what overlaps it; a figure without a period start (a running total, or how things
    stand) reaches back indefinitely."""
    return sorted(
        (
            o
            for o in seeded().observations
            if (port is None or o.port_id == port)
            and (metric is None or o.metric_id == metric)
            and (source is None or o.source_id == source)
            and (period_from is None or o.period_end >= period_from)
            and (period_to is None or o.period_start is None or o.period_start <= period_to)
        ),
        key=lambda o: (o.period_end, o.id),
    )


def observation_ids(**where: Any) -> list[str]:
    """The ids of `observations(**where)`, in list order."""
    return [o.id for o in observations(**where)]


def ports_without_figures() -> list[str]:
    """The ports the seeds name without a single observation, in id order."""
    with_figures = {o.port_id for o in seeded().observations}
    return [port for port in port_ids() if port not in with_figures]


def ports_with_figures() -> list[str]:
    without = set(ports_without_figures())
    return [port for port in port_ids() if port not in without]


def after_every_period() -> date:
    """A day no seeded figure reaches: a period filter from it selects nothing."""
    return max(o.period_end for o in seeded().observations) + timedelta(days=1)


def as_served(observation: models.Observation) -> dict[str, Any]:
    """What the API serves of a seeded observation, as JSON, but for what the build derives
    (prior_year_value and prior_year_qualifier) and the links."""
    return {
        "id": observation.id,
        "port": observation.port_id,
        "metric": observation.metric_id,
        "value": observation.value,
        "unit": observation.unit,
        "qualifier": observation.qualifier,
        "value_text": observation.value_text,
        "unit_text": observation.unit_text,
        "scope": observation.scope,
        "period_start": observation.period_start and observation.period_start.isoformat(),
        "period_end": observation.period_end.isoformat(),
        "period_text": observation.period_text,
        "yoy_change_pct": observation.yoy_change_pct,
        "yoy_qualifier": observation.yoy_qualifier,
        "yoy_text": observation.yoy_text,
        "note": observation.note,
    }


def valid_values(ids: list[str]) -> list[str] | None:
    """What a 404 lists of these ids: all of them, sorted, while there are few enough."""
    return sorted(ids) if len(ids) <= MAX_VALID_VALUES else None


def other_names(port: str) -> list[models.PortName]:
    """A port's names other than its id and name, as ports.toml lists them."""
    return [name for name in seeded().port_names if name.port_id == port]


# The figures today's article states, with what the build derives from them worked out by hand:
# tests check that these are served and right, never that they are the only ones.
FIGURES_SOURCE = "xinhua-2023-02-09-xinjiang-land-ports"
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
