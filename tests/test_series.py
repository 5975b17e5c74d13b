"""The consolidated series (app.series), on seeds of several made-up articles (tests/data/series/)
written for these tests, and on today's seeds. Every point is checked against a computation by
hand, written beside it."""

import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.intervals import Interval
from app.main import create_app
from app.seed import SeedError, seed
from app.series import Statement, consolidate
from app.settings import Settings
from tests.helpers import SEEDS, observations, seeded

ARTICLES = Path(__file__).with_name("data") / "series"
CONFLICT = ARTICLES / "conflict"
CONFLICTING = "test-wire-2023-08-12-alataw-correction"


def seeds_of(tmp_path: Path, *articles: Path, resolutions: bool = False) -> Path:
    """A seeds directory of the seeds' ports and metrics and these articles only."""
    seeds_dir = tmp_path / "seeds"
    seeds_dir.mkdir()
    for name in ("ports.toml", "metrics.toml", "gazetteer.toml"):
        shutil.copy(SEEDS / name, seeds_dir)
    for article in articles:
        for path in article.parent.glob(f"{article.name}.*"):
            shutil.copy(path, seeds_dir)
    if resolutions:
        shutil.copy(CONFLICT / "resolutions.toml", seeds_dir)
    return seeds_dir


def series_articles() -> list[Path]:
    return [ARTICLES / path.stem for path in sorted(ARTICLES.glob("*.txt"))]


def client_for(database: Path) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(database_url=f"sqlite:///{database}"))) as client:
        yield client


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    tmp_path = tmp_path_factory.mktemp("series")
    database = tmp_path / "ports.db"
    seed(seeds_of(tmp_path, *series_articles()), database)
    yield from client_for(database)


def points(client: TestClient, port: str, metric: str) -> list[dict[str, Any]]:
    response = client.get(f"/v1/ports/{port}/metrics/{metric}/series")
    assert response.status_code == 200, response.text
    return [
        {
            "period": (point["period_start"], point["period_end"]),
            "kind": point["kind"],
            "interval": (point["value_low"], point["value_high"], point["low_inclusive"], point["high_inclusive"]),
            "statements": [ref["id"] for ref in point["statements"]],
            "how": point["how"],
        }
        for point in response.json()["items"]
    ]


def test_repeated_statements_consolidate_and_rounding_is_honoured(client: TestClient) -> None:
    series = points(client, "alataw", "cargo_tonnage")
    # "1.16 million tonnes" is [1,155,000, 1,165,000); "1,163,000 tonnes" is [1,163,000, 1,163,000]:
    # together, [1,163,000, 1,163,000].
    july = series[-1]
    assert july == {
        "period": ("2023-07-01", "2023-07-31"),
        "kind": "stated",
        "interval": (1163000, 1163000, True, True),
        "statements": ["alataw-cargo-tonnage-2023-07-full", "alataw-cargo-tonnage-2023-07-rounded"],
        "how": "intersection of 2 statements",
    }
    # July 2022 from "1.16 million tonnes, up 5 percent": [1,155,000, 1,165,000) over [4.5, 5.5) %:
    # low 1,155,000 / 1.055 = 1,094,786.7298... rounded down, excluded (5.5 % is);
    # high 1,165,000 / 1.045 = 1,114,832.5358... rounded up, excluded (1,165,000 is).
    assert series[0] == {
        "period": ("2022-07-01", "2022-07-31"),
        "kind": "derived",
        "interval": (1094786.72, 1114832.54, False, False),
        "statements": ["alataw-cargo-tonnage-2023-07-rounded"],
        "how": "2022-07 from a 5 % change on 2023-07",
    }
    assert len(series) == 2


def test_year_to_date_totals_give_months_and_quarters_at_both_bounds(client: TestClient) -> None:
    series = points(client, "horgos", "freight_trains")
    by_period = {point["period"]: point for point in series}
    # Q2 = January-June minus January-March: [3,057 - 1,400, 3,057 - 1,400] = [1,657, 1,657].
    assert by_period[("2023-04-01", "2023-06-30")] == {
        "period": ("2023-04-01", "2023-06-30"),
        "kind": "derived",
        "interval": (1657, 1657, True, True),
        "statements": ["horgos-freight-trains-2023-h1", "horgos-freight-trains-2023-q1"],
        "how": "2023-Q2 = Jan–Jun 2023 minus 2023-Q1",
    }
    # July: stated "more than 500", (500, ∞); derived 3,631 - 3,057 = [574, 574]; the point is both.
    assert by_period[("2023-07-01", "2023-07-31")] == {
        "period": ("2023-07-01", "2023-07-31"),
        "kind": "stated",
        "interval": (574, 574, True, True),
        "statements": [
            "horgos-freight-trains-2023-07", "horgos-freight-trains-2023-h1", "horgos-freight-trains-2023-jan-jul",
        ],
        "how": "1 statement, intersected with 2023-07 = Jan–Jul 2023 minus Jan–Jun 2023",
    }  # fmt: skip
    # August: "about 4,200" is [4,150, 4,250); minus [3,631, 3,631]:
    # low 4,150 - 3,631 = 519 (included: both ends are), high 4,250 - 3,631 = 619 (excluded, as 4,250 is).
    assert by_period[("2023-08-01", "2023-08-31")] == {
        "period": ("2023-08-01", "2023-08-31"),
        "kind": "derived",
        "interval": (519, 619, True, False),
        "statements": ["horgos-freight-trains-2023-jan-aug", "horgos-freight-trains-2023-jan-jul"],
        "how": "2023-08 = Jan–Aug 2023 minus Jan–Jul 2023",
    }
    # In list order: by the period's end, the longer period (the year to date) first.
    assert [point["period"] for point in series] == [
        ("2023-01-01", "2023-03-31"), ("2023-01-01", "2023-06-30"), ("2023-04-01", "2023-06-30"),
        ("2023-01-01", "2023-07-31"), ("2023-07-01", "2023-07-31"), ("2023-01-01", "2023-08-31"),
        ("2023-08-01", "2023-08-31"),
    ]  # fmt: skip
    # Jan–Jul minus Q1 (four months) and Jan–Aug minus Jan–Jun (two) are neither a month nor a quarter.


def test_a_series_pages_by_cursor_and_as_csv(client: TestClient) -> None:
    url = "/v1/ports/horgos/metrics/freight_trains/series?limit=3"
    seen: list[tuple[str, str]] = []
    while url:
        body = client.get(url).json()
        assert body["total"] == 7
        seen += [(p["period_start"], p["period_end"]) for p in body["items"]]
        url = body["links"].get("next")
    assert seen == [p["period"] for p in points(client, "horgos", "freight_trains")]
    response = client.get("/v1/ports/horgos/metrics/freight_trains/series.csv?limit=2")
    assert response.headers["content-type"].startswith("text/csv")
    assert response.headers["link"].startswith("</v1/ports/horgos/metrics/freight_trains/series.csv?limit=2&after=")
    lines = response.text.splitlines()
    assert lines[0].startswith("period_start,period_end,kind,value_low,value_high,low_inclusive,high_inclusive")
    assert lines[2].startswith("2023-01-01,2023-06-30,stated,3057,3057,True,True,trains,horgos-freight-trains-2023-h1,")


def test_a_conflict_stops_the_seed_naming_both_quotes_and_sources(tmp_path: Path) -> None:
    full = ARTICLES / "test-wire-2023-08-10-alataw-july"
    with pytest.raises(SeedError) as raised:
        seed(seeds_of(tmp_path, full, CONFLICT / CONFLICTING), tmp_path / "ports.db")
    message = str(raised.value)
    assert "Cargo handled at the Alataw port reached 1,163,000 tonnes in July" in message
    assert "Cargo handled at the Alataw port in July was less than 1.1 million tonnes" in message
    assert "test-wire-2023-08-10-alataw-july" in message and CONFLICTING in message
    assert "[1,163,000, 1,163,000]" in message and "[0, 1,100,000)" in message
    assert not (tmp_path / "ports.db").exists()


def test_a_curated_resolution_is_cited(tmp_path: Path) -> None:
    database = tmp_path / "ports.db"
    seed(seeds_of(tmp_path, *series_articles(), CONFLICT / CONFLICTING, resolutions=True), database)
    for client in client_for(database):
        july = client.get("/v1/ports/alataw/metrics/cargo_tonnage/series").json()["items"][-1]
    assert [ref["id"] for ref in july["overrides"]] == ["alataw-cargo-tonnage-2023-07-official"]
    assert july["resolution"] == (
        "alataw-cargo-tonnage-2023-07-full stands: The official's figure is the port's own cargo, without the "
        "transit freight the customs count."
    )
    assert (july["value_low"], july["value_high"]) == (1163000, 1163000)
    assert "alataw-cargo-tonnage-2023-07-official" not in [ref["id"] for ref in july["statements"]]


def test_a_resolution_of_statements_that_do_not_share_a_period_stops_the_seed(tmp_path: Path) -> None:
    seeds_dir = seeds_of(tmp_path, *series_articles(), resolutions=True)
    text = (seeds_dir / "resolutions.toml").read_text()
    (seeds_dir / "resolutions.toml").write_text(
        text.replace("alataw-cargo-tonnage-2023-07-official", "horgos-freight-trains-2023-07")
    )
    with pytest.raises(SeedError, match="not two statements about one port, metric and period"):
        seed(seeds_dir, tmp_path / "ports.db")


# Today's seeds: one stated point per port, metric and period, plus the prior-year points derived.


@pytest.fixture(scope="module")
def seeds_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    database = tmp_path_factory.mktemp("seeds") / "ports.db"
    seed(SEEDS, database)
    yield from client_for(database)


def test_the_seeds_give_one_stated_point_per_period_and_its_prior_year(seeds_client: TestClient) -> None:
    for port, metric in sorted({(o.port_id, o.metric_id) for o in seeded().observations}):
        served = {o["id"]: o for o in seeds_client.get(f"/v1/ports/{port}/metrics/{metric}").json()["items"]}
        stated = {
            (o.period_start and o.period_start.isoformat(), o.period_end.isoformat())
            for o in observations(port, metric)
        }
        derived = {o["id"] for o in served.values() if o["prior_year_low"] is not None}
        series = points(seeds_client, port, metric)
        assert {p["period"] for p in series if p["kind"] == "stated"} == stated, (port, metric)
        assert sorted(i for p in series if p["kind"] == "derived" for i in p["statements"]) == sorted(derived)


def test_alataw_january_and_the_january_before(seeds_client: TestClient) -> None:
    """Today's article, which every seeds this project ships or tests with hold."""
    series = points(seeds_client, "alataw", "cargo_tonnage")
    by_period = {point["period"]: point for point in series}
    # "more than 1.11 million tonnes": (1,110,000, ∞).
    assert by_period[("2023-01-01", "2023-01-31")]["interval"] == (1110000, None, False, None)
    # "up 12.8 percent" is [12.75, 12.85): 1,110,000 / 1.1285 = 983,606.557..., rounded down; excluded.
    january_2022 = by_period[("2022-01-01", "2022-01-31")]
    assert january_2022 == {
        "period": ("2022-01-01", "2022-01-31"),
        "kind": "derived",
        "interval": (983606.55, None, False, None),
        "statements": ["alataw-cargo-tonnage-2023-01"],
        "how": "2022-01 from a 12.8 % change on 2023-01",
    }


def test_the_port_and_the_metric_link_their_series(seeds_client: TestClient) -> None:
    for port, metric in sorted({(o.port_id, o.metric_id) for o in seeded().observations}):
        expected = {
            "port": port, "metric": metric, "series": f"/v1/ports/{port}/metrics/{metric}/series",
            "csv": f"/v1/ports/{port}/metrics/{metric}/series.csv", "chart": f"/v1/ports/{port}/metrics/{metric}/series.svg",
        }  # fmt: skip
        assert expected in seeds_client.get(f"/v1/ports/{port}").json()["series"]
        assert expected in seeds_client.get(f"/v1/metrics/{metric}").json()["series"]
        assert seeds_client.get(expected["chart"]).headers["content-type"] == "image/svg+xml; charset=utf-8"


def test_a_stated_figure_a_derivation_contradicts_stands_with_a_warning() -> None:
    def statement(id: str, start: date, end: date, value: float) -> Statement:
        return Statement(id, "s", "q", start, end, Interval(value, value, True, True))

    june, july = date(2023, 6, 30), date(2023, 7, 31)
    found, warnings = consolidate(
        "p m",
        [
            statement("h1", date(2023, 1, 1), june, 100),
            statement("jan-jul", date(2023, 1, 1), july, 150),
            statement("jul", date(2023, 7, 1), july, 80),  # 150 - 100 = 50, not 80
        ],
    )
    [july_point] = [p for p in found if p.period_start == date(2023, 7, 1)]
    assert (july_point.kind, july_point.interval, july_point.observations) == (
        "stated", Interval(80, 80, True, True), ["jul"],
    )  # fmt: skip
    assert july_point.warning == (
        "derived [50, 50] (2023-07 = Jan–Jul 2023 minus Jan–Jun 2023) contradicts the stated [80, 80]"
    )
    assert warnings == [f"p m 2023-07: {july_point.warning}"]
