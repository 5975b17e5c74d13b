"""The extractor: what it reads in a report, what it refuses, and that its proposals pass the seed.

Every sentence here is written for these tests, in the genre's style; none is a publisher's."""

import json
import os
import shutil
import subprocess
import sys
import tomllib
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from app.extract import claim_span, extract, read_metrics, read_ports, to_json, to_toml
from app.seed import load_seeds
from tests.helpers import SEEDS

ARTICLE = "xinhua-2023-02-09-xinjiang-land-ports"
PORTS = read_ports(SEEDS)
METRICS = read_metrics(SEEDS)
JULY_5 = date(2023, 7, 5)  # published the day after a "July 4" dateline


def read(text: str, published: date = JULY_5) -> dict[str, Any]:
    return to_json(extract(text, published, PORTS, METRICS))


def proposed(text: str, published: date = JULY_5) -> list[dict[str, Any]]:
    return [f for f in read(text, published)["figures"] if f["status"] == "proposed"]


def only(text: str, published: date = JULY_5) -> dict[str, Any]:
    figures = proposed(text, published)
    assert len(figures) == 1, figures
    return figures[0]


def dateline(sentence: str) -> str:
    return f"URUMQI, July 4 (Xinhua) -- {sentence}"


def test_todays_article_comes_out_field_for_field_as_curated() -> None:
    text = (SEEDS / f"{ARTICLE}.txt").read_text(encoding="utf-8")
    reading = extract(text, date(2023, 2, 9), PORTS, METRICS)
    written = tomllib.loads(to_toml(reading, ARTICLE))
    curated = tomllib.loads((SEEDS / f"{ARTICLE}.figures.toml").read_text(encoding="utf-8"))
    ours = {f["id"]: f for f in written["figure"]}
    assert set(ours) == {f["id"] for f in curated["figure"]}
    for figure in curated["figure"]:
        assert {k: v for k, v in figure.items() if k != "note"} == ours[figure["id"]]
    assert [(e["text"], e["reason"]) for e in written["excluded"]] == [("19", "part of a name: COVID-19")] * 2


@pytest.mark.parametrize(
    "sentence, expected",
    [
        (
            "The Horgos port handled 1,351 China-Europe freight trains in the first half of this year, up 8.5 percent year on year.",
            ("horgos", "freight_trains", 1351, "exact", "2023-01-01", "2023-06-30", 8.5, "exact"),
        ),
        (
            "Imports and exports through the Alashankou port reached 7.64 billion U.S. dollars from January to May, an increase of 20 percent from a year ago.",
            ("alataw", "trade_value_usd", 7_640_000_000, "exact", "2023-01-01", "2023-05-31", 20, "exact"),
        ),
        (
            "Trade through Khorgos topped $3.65 billion in the first quarter.",
            ("horgos", "trade_value_usd", 3_650_000_000, "more_than", "2023-01-01", "2023-03-31", None, None),
        ),
        (
            "So far this year, more than 105,800 inbound and outbound passengers have crossed at the Khunjerab Pass.",
            ("khunjerab", "passenger_crossings", 105_800, "more_than", "2023-01-01", "2023-07-04", None, None),
        ),
        (
            "Container throughput at the Horgos port reached nearly 105,800 TEUs in January-May.",
            ("horgos", "containers", 105_800, "less_than", "2023-01-01", "2023-05-31", None, None),
        ),
        (
            "Goods worth about 50.7 billion yuan (7 billion U.S. dollars) were traded through the Irkeshtam port by the end of June this year, up 52.1 percent year on year.",
            ("irkeshtam", "trade_value", 50_700_000_000, "approximately", "2023-01-01", "2023-06-30", 52.1, "exact"),
        ),
        (
            "In June, the Jeminay port handled 12,000 passengers, down 5 percent year on year.",
            ("jeminay", "passenger_crossings", 12000, "exact", "2023-06-01", "2023-06-30", -5, "exact"),
        ),
        (
            "Clearance of a truck at the Bakti port now takes 20 to 30 minutes.",
            ("bakti", "inspection_time", 30, "at_most", None, "2023-07-04", None, None),
        ),
        (
            "As of Sunday, a cumulative total of 7,000 China-Europe freight trains had passed the Alataw Pass since the service began in 2011.",
            ("alataw", "freight_trains", 7000, "exact", None, "2023-07-02", None, None),
        ),
        (
            "The Takeshiken port saw no less than 900 trucks in the first two months of this year, soaring 40 percent year on year.",
            ("takeshiken", "vehicle_crossings", 900, "at_least", "2023-01-01", "2023-02-28", 40, "exact"),
        ),
        (
            "Last year, the Torugart port handled 775,500 tonnes of cargo, an increase of 105 percent year on year.",
            ("torugart", "cargo_tonnage", 775_500, "exact", "2022-01-01", "2022-12-31", 105, "exact"),
        ),
    ],
)
def test_it_reads_the_genres_figures(sentence: str, expected: tuple[Any, ...]) -> None:
    figure = only(dateline(sentence))
    fields = ("port", "metric", "value", "qualifier", "period_start", "period_end", "yoy_change_pct", "yoy_qualifier")
    assert tuple(figure[f] for f in fields) == expected


def test_a_figure_takes_the_period_written_right_after_it() -> None:
    figure = only(dateline("Busy since the beginning of this year, the Horgos port handled 3,000 trains in June."))
    assert (figure["period_text"], figure["period_start"]) == ("in June", "2023-06-01")


def test_respectively_pairs_ports_values_and_changes_in_order() -> None:
    figures = proposed(
        dateline(
            "In the first half, the Irkeshtam and Torugart ports handled 600,000 tonnes and 500,000 tonnes of cargo,"
            " down 30 percent and 25 percent year on year, respectively."
        )
    )
    assert [(f["port"], f["value"], f["yoy_change_pct"]) for f in figures] == [
        ("irkeshtam", 600_000, -30),
        ("torugart", 500_000, -25),
    ]


def test_a_change_before_the_value_belongs_to_it() -> None:
    figure = only(dateline("In May, exports at the Horgos port surged 30 percent year on year to 2 million tonnes."))
    assert (figure["value"], figure["yoy_change_pct"], figure["yoy_text"]) == (
        2_000_000,
        30,
        "surged 30 percent year on year",
    )


@pytest.mark.parametrize(
    "text, port, context",
    [
        # "there" and "the port" refer to the port the sentence before names ...
        (
            "Trucks queue at the Bakti port. In June, 4,000 vehicles crossed there.",
            "bakti",
            "Trucks queue at the Bakti port.",
        ),
        # ... or the paragraph before, when this one names none.
        (
            "Trucks queue at the Bakti port.\nIn June, the port saw 4,000 vehicles.",
            "bakti",
            "Trucks queue at the Bakti port.",
        ),
    ],
)
def test_a_reference_takes_the_port_named_before(text: str, port: str, context: str) -> None:
    figure = only(dateline(text))
    assert (figure["port"], figure["context"]) == (port, context)


@pytest.mark.parametrize(
    "sentence, reason",
    [
        ("Xinjiang's foreign trade reached 150 billion yuan in the first five months.", "a region's total"),
        ("China's land ports handled 9 million tonnes of cargo in May.", "country"),
        ("The two ports together handled 5,500 trains in the first half.", "several ports together"),
        ("The Horgos and Alataw ports handled 5,500 trains combined in the first half.", "several ports together"),
        ("A logistics company at the Horgos port handled 25,000 tonnes of goods in May.", "a company's figure"),
        ("The Irkeshtam port clears about 450 vehicles a day.", "an average or a single day's figure"),
        ("For years, cargo at the Torugart port was about 400,000 tonnes annually.", "an average"),
    ],
)
def test_figures_that_are_no_ports_are_excluded_with_the_reason(sentence: str, reason: str) -> None:
    reading = read(dateline(sentence))
    assert reading["figures"] == []
    assert any(reason in entry["reason"] for entry in reading["excluded"]), reading["excluded"]


@pytest.mark.parametrize(
    "sentence, reason",
    [
        ("The Horgos port handled 900 trains in July.", "own month"),  # the dateline's month
        ("The Horgos port had handled 3,000 trains as of June 30.", "says when, not since when"),
        ("The Horgos port handled 3,000 trains.", "no period"),
        ("Customs said 3,000 trains were handled in the first half.", "no port"),
        ("The Horgos and Alataw ports handled 3,000 and 2,000 trains in the first half.", "several ports"),
    ],
)
def test_what_it_cannot_attribute_is_unresolved_with_the_reason(sentence: str, reason: str) -> None:
    figures = read(dateline(sentence))["figures"]
    assert figures and all(f["status"] == "unresolved" for f in figures), figures
    assert reason in figures[0]["reason"]


def test_a_change_not_year_on_year_is_not_attached() -> None:
    reading = read(dateline("The Alataw port handled 2,800 trains in May, a decline of 3 percent from April."))
    assert reading["figures"][0]["yoy_change_pct"] is None
    assert any(e["text"] == "3" and "year on year" in e["reason"] for e in reading["excluded"])


def test_every_other_number_is_excluded_with_a_reason() -> None:
    reading = read(
        dateline(
            "The Horgos port, 670 kilometers from Urumqi, has 12 routes and handled 3,000 trains in June,"
            " after the COVID-19 pandemic. It opened in 1881."
        )
    )
    assert [f["value"] for f in reading["figures"]] == [3000]
    assert {e["text"]: e["reason"] for e in reading["excluded"]} == {
        "670": "a quantity of kilometers, not a metric the seeds know",
        "12": "a quantity of routes, not a metric the seeds know",
        "19": "part of a name: COVID-19",
        "1881": "a date",
    }


def test_quoted_speech_is_quoted_without_its_attribution() -> None:
    text = '"We clear a truck within 20 minutes," said an officer.'
    start, end = claim_span(text, 0, len(text))
    assert text[start:end] == "We clear a truck within 20 minutes"


def test_json_lists_the_ports_with_their_names() -> None:
    reading = read(dateline("The Jimunai port handled 12,000 passengers in June."))
    assert reading["figures"][0]["port"] == "jeminay"
    (port,) = reading["ports"]
    assert port["id"] == "jeminay" and port["in_ports_toml"] is False
    assert {"Jeminay", "Jimnay", "Jimunai"} <= set(port["names"])


def run_extract(*args: str, seeds_dir: Path = SEEDS) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SEEDS_DIR": str(seeds_dir)}
    return subprocess.run(
        [sys.executable, "-m", "app.extract", *args], env=env, capture_output=True, text=True, timeout=60
    )


def test_the_command_prints_json_for_programs() -> None:
    result = run_extract(str(SEEDS / f"{ARTICLE}.txt"), "--json")
    assert result.returncode == 0, result.stderr
    body = json.loads(result.stdout)
    assert set(body) == {"figures", "ports", "excluded"}
    assert {f["status"] for f in body["figures"]} == {"proposed"}
    assert {p["id"] for p in body["ports"]} == {"urumqi", "alataw", "bakti"}
    first = body["figures"][0]
    assert {"port", "metric", "unit", "value", "qualifier", "period_start", "period_end", "yoy_change_pct"} <= set(
        first
    )


def test_one_command_writes_seeds_that_the_seed_loads(seeds_copy: Path) -> None:
    """A new article in a copy of the seeds: --write, then the seed loads what it wrote, a port
    that only the gazetteer knew included."""
    article = "test-2023-07-04-jeminay"
    (seeds_copy / f"{article}.txt").write_text(
        dateline(
            "The Jeminay port handled 12,000 passengers in June, up 40 percent year on year, said the border"
            " inspection station. The port is 24 kilometers from the county seat."
        ),
        encoding="utf-8",
    )
    meta = (seeds_copy / f"{ARTICLE}.toml").read_text(encoding="utf-8")
    meta = meta.replace(ARTICLE, article).replace('"URUMQI, Feb. 9"', '"URUMQI, July 4"')
    (seeds_copy / f"{article}.toml").write_text(meta.replace("2023-02-09 ", "2023-07-05 "), encoding="utf-8")
    result = run_extract(str(seeds_copy / f"{article}.txt"), "--write", seeds_dir=seeds_copy)
    assert result.returncode == 0, result.stderr
    assert "added jeminay to ports.toml" in result.stderr
    seeds = load_seeds(seeds_copy)
    ours = [o for o in seeds.observations if o.source_id == article]
    assert [(o.port_id, o.metric_id, o.value, o.period_start, o.yoy_change_pct) for o in ours] == [
        ("jeminay", "passenger_crossings", 12000, date(2023, 6, 1), 40)
    ]
    assert "jeminay" in {p.id for p in seeds.ports}


def test_an_unresolved_figure_makes_the_seed_name_its_number(seeds_copy: Path) -> None:
    article = "test-2023-07-04-horgos"
    shutil.copy(seeds_copy / f"{ARTICLE}.toml", seeds_copy / f"{article}.toml")
    meta = (seeds_copy / f"{article}.toml").read_text().replace(ARTICLE, article).replace("Feb. 9", "July 4")
    (seeds_copy / f"{article}.toml").write_text(meta)
    (seeds_copy / f"{article}.txt").write_text(dateline("The Horgos port handled 900 trains in July."))
    assert run_extract(str(seeds_copy / f"{article}.txt"), "--write", seeds_dir=seeds_copy).returncode == 0
    written = (seeds_copy / f"{article}.figures.toml").read_text()
    assert "# unresolved: cannot resolve 'in July'" in written
    with pytest.raises(ValueError, match="the number '900' is neither"):
        load_seeds(seeds_copy)


def test_what_a_figure_is_compared_with_and_when_it_was_said_are_not_its_own() -> None:
    reading = read(
        dateline(
            "Clearing a truck at the Horgos port takes 5 minutes, compared with 15 to 20 minutes before."
            " The Alataw port handled 9.78 million tonnes of cargo, the port said on Monday."
        )
    )
    figures = reading["figures"]
    assert [(f["port"], f["value"], f["status"]) for f in figures] == [
        ("horgos", 5, "proposed"),
        ("alataw", 9_780_000, "unresolved"),  # "said on Monday" is not the figure's period
    ]
    assert {e["text"]: e["reason"] for e in reading["excluded"]} == {
        "15": "the earlier value it is compared with",
        "20": "the earlier value it is compared with",
    }


def test_a_reference_reaches_back_over_paragraphs_to_the_port_named_last() -> None:
    text = (
        "URUMQI, Nov. 10 (Xinhua) -- The Irkeshtam port has handled more than 1.2 million tonnes of cargo so far in 2023.\n"
        "Cargo through the port grew 96 percent year-on-year to reach 1.16 million tonnes from January to October.\n"
        "It now takes 5 minutes to inspect a truck at the port."
    )
    figures = proposed(text, date(2023, 11, 11))
    assert [(f["port"], f["value"], f["period_start"], f["period_end"], f["yoy_change_pct"]) for f in figures] == [
        ("irkeshtam", 1_200_000, "2023-01-01", "2023-11-10", None),
        ("irkeshtam", 1_160_000, "2023-01-01", "2023-10-31", 96),
        ("irkeshtam", 5, None, "2023-11-10", None),
    ]


@pytest.mark.parametrize(
    "text, period",
    [
        # "in the same period" refers back to the period stated last, across paragraphs ...
        (
            "The Horgos port handled 3,000 trains in the first half.\nCargo there reached 2 million tonnes in the same period.",
            ("2023-01-01", "2023-06-30"),
        ),
        # ... and a sentence with no period takes the one of the sentence before.
        (
            "The Horgos port handled 3,000 trains in May.\nVehicles there rose 5 percent year on year to 9,000.",
            ("2023-05-01", "2023-05-31"),
        ),
        # "this year as of Sunday" is the year so far, up to that Sunday.
        ("The Horgos port had handled 9,000 vehicles this year as of Sunday.", ("2023-01-01", "2023-07-02")),
        # A running total that began in a year ends on the reference day, not in that year.
        (
            "Since its first train left in 2016, the Horgos port has handled a cumulative total of 9,000 trains.",
            (None, "2023-07-04"),
        ),
    ],
)
def test_periods_by_reference_and_running_totals(text: str, period: tuple[str | None, str]) -> None:
    figures = proposed(dateline(text))
    assert (figures[-1]["period_start"], figures[-1]["period_end"]) == period


def test_a_duration_takes_no_period_from_elsewhere() -> None:
    text = dateline("The Horgos port handled 3,000 trains in May. Clearing a train there now takes under 40 minutes.")
    figure = proposed(text)[-1]
    assert (figure["metric"], figure["period_start"], figure["period_end"]) == ("inspection_time", None, "2023-07-04")


@pytest.mark.parametrize(
    "sentence, reason",
    [
        (
            "Ports across the Ili Kazak Autonomous Prefecture, led by Horgos, handled 11.9 million tonnes in May.",
            "several ports",
        ),
        ("Tacheng Prefecture's foreign trade totaled 6.2 billion yuan in May.", "a region's total"),
        ("Cargo at the Horgos port passed the mark of 200,000 tonnes in May.", "a threshold"),
        ("The station expects passengers at Horgos to exceed 1.5 million this year.", "a forecast"),
        ("The Khorgos Gateway dry port in Kazakhstan handled 185,000 TEU in May.", "is not the port"),
        ("Trucks wait at the Horgos port, Sept. 26, 2023.", "a date"),
    ],
)
def test_more_numbers_that_are_no_ports_figures(sentence: str, reason: str) -> None:
    reading = read(dateline(sentence))
    assert [f for f in reading["figures"] if f["status"] == "proposed"] == []
    assert any(reason in entry["reason"] for entry in reading["excluded"]), reading["excluded"]


def test_a_single_spelling_of_the_gazetteer_satisfies_the_seeds_check(seeds_copy: Path) -> None:
    article = "test-2023-07-04-hongqilafu"
    meta = (seeds_copy / f"{ARTICLE}.toml").read_text().replace(ARTICLE, article).replace("Feb. 9", "July 4")
    (seeds_copy / f"{article}.toml").write_text(meta)
    (seeds_copy / f"{article}.txt").write_text(dateline("The Hongqilafu port handled 900 vehicles in June."))
    assert run_extract(str(seeds_copy / f"{article}.txt"), "--write", seeds_dir=seeds_copy).returncode == 0
    ours = [o for o in load_seeds(seeds_copy).observations if o.source_id == article]
    assert [(o.port_id, o.value) for o in ours] == [("khunjerab", 900)]


@pytest.mark.parametrize(
    "sentence",
    [
        "Since crossings resumed on April 1, the Khunjerab Pass has recorded over 50,000 passengers so far.",
        "Since the reopening of the pass to travelers on April 1 this year, the Khunjerab Pass has seen over 50,000 passengers.",
        "Since April 1, over 50,000 passengers have crossed at the Khunjerab Pass.",
    ],
)
def test_a_total_since_a_day_starts_on_it_and_ends_on_the_reference_day(sentence: str) -> None:
    # "so far" does not make it a running total with no start: the sentence names the day it starts.
    figure = only(dateline(sentence))
    assert (figure["period_start"], figure["period_end"], figure["cumulative"]) == ("2023-04-01", "2023-07-04", False)


def test_a_month_on_month_change_is_no_average_and_not_year_on_year() -> None:
    reading = read(
        dateline("The Horgos port handled 2.3 million tonnes in June, a month-on-month increase of 5 percent.")
    )
    (figure,) = reading["figures"]
    assert (figure["status"], figure["value"], figure["yoy_change_pct"]) == ("proposed", 2_300_000, None)


def test_write_does_not_replace_a_reviewed_file_without_force(seeds_copy: Path) -> None:
    article = seeds_copy / f"{ARTICLE}.txt"
    curated = (seeds_copy / f"{ARTICLE}.figures.toml").read_text()
    refused = run_extract(str(article), "--write", seeds_dir=seeds_copy)
    assert refused.returncode == 1 and "--force" in refused.stderr
    assert (seeds_copy / f"{ARTICLE}.figures.toml").read_text() == curated
    assert run_extract(str(article), "--write", "--force", seeds_dir=seeds_copy).returncode == 0
    assert len(load_seeds(seeds_copy).observations) == len(load_seeds(SEEDS).observations)


def test_a_parallel_clause_shares_the_unit_and_a_month_pair_is_one_period() -> None:
    figures = proposed(
        dateline("In 2022, the Horgos port handled 7,600 freight trains, while the Alashankou port handled 6,700.")
    )
    assert [(f["port"], f["metric"], f["value"], f["period_end"]) for f in figures] == [
        ("horgos", "freight_trains", 7600, "2022-12-31"),
        ("alataw", "freight_trains", 6700, "2022-12-31"),
    ]
    figure = only(dateline("The Horgos port handled 1.6 million tonnes of goods in January and February."))
    assert (figure["period_start"], figure["period_end"]) == ("2023-01-01", "2023-02-28")


def test_a_change_before_the_value_belongs_to_it_with_reaching() -> None:
    figure = only(
        dateline("Cargo at the Alashankou port rose 8 percent year on year in June, reaching 1.5 million tonnes.")
    )
    assert (figure["value"], figure["yoy_change_pct"]) == (1_500_000, 8)


def test_a_parenthesis_inside_the_train_name_is_part_of_the_unit() -> None:
    figure = only(
        dateline(
            "By Friday, the Horgos port had seen more than 800 China-Europe (Central Asia) freight train trips this year."
        )
    )
    assert (figure["metric"], figure["value"], figure["qualifier"]) == ("freight_trains", 800, "more_than")
    assert (figure["period_start"], figure["period_end"]) == ("2023-01-01", "2023-06-30")


def test_trips_count_what_the_clause_names_before_them() -> None:
    figures = proposed(
        dateline(
            "The Alataw Pass handled 2,000 freight trains in the first half. Trains coming back through the pass,"
            " laden with grain, made about 700 trips in the same period, a rise of 20 percent compared to the"
            " same period of the previous year."
        )
    )
    trips = figures[-1]
    assert (trips["metric"], trips["value"], trips["qualifier"], trips["yoy_change_pct"]) == (
        "freight_trains",
        700,
        "approximately",
        20,
    )
    assert (trips["period_start"], trips["period_end"]) == ("2023-01-01", "2023-06-30")


def test_trips_counted_by_an_immigration_station_are_peoples() -> None:
    text = dateline(
        "The Torugart immigration inspection station checked more travelers in June.\n"
        "In June, the station handled 30,000 trips at the Torugart port."
    )
    figure = only(text)
    assert (figure["metric"], figure["unit"], figure["value"]) == ("passenger_crossings", "people", 30_000)
    # Without a counter of people, "trips" of what cannot be told.
    assert proposed(dateline("In June, the Torugart port handled 30,000 trips.")) == []


def test_an_average_in_another_clause_does_not_exclude_the_total() -> None:
    figure = only(
        dateline(
            "In the first half, trains ran at a daily average of 14, which took cargo at the Horgos port to"
            " 4.2 million tonnes, up 11 percent year on year."
        )
    )
    assert (figure["metric"], figure["value"], figure["yoy_change_pct"]) == ("cargo_tonnage", 4_200_000, 11)


def test_two_ports_with_an_apposition_handle_a_joint_total() -> None:
    reading = read(
        dateline(
            "In 2022, Horgos Port and Alataw Pass, the two busiest rail crossings, handled a total of 14,000"
            " freight trains, up 9 percent compared to 2021."
        )
    )
    assert [f for f in reading["figures"] if f["status"] == "proposed"] == []
    assert any("several ports together" in e["reason"] for e in reading["excluded"])


@pytest.mark.parametrize(
    "sentence, reason",
    [
        ('"A truck here sells for 250,000 to 450,000 yuan," a trader at the Horgos port said in May.', "a price"),
        ("In May, each container of goods through the Horgos port was worth 80,000 yuan.", "a price"),
        (
            "It was the first time cargo at the Horgos port topped 3 million tonnes since the port opened in 1983.",
            "a threshold passed for the first time",
        ),
    ],
)
def test_prices_and_first_time_thresholds_are_no_figures(sentence: str, reason: str) -> None:
    reading = read(dateline(sentence))
    assert [f for f in reading["figures"] if f["status"] == "proposed"] == []
    assert any(reason in entry["reason"] for entry in reading["excluded"]), reading["excluded"]


def test_a_running_total_by_a_month_since_a_launch_year_is_unresolved() -> None:
    (figure,) = read(
        dateline(
            "The Horgos port saw 900 trains in 2022, bringing the total to 4,000 by June since the first train"
            " via the port left in 2016."
        )
    )["figures"][1:]
    assert (figure["value"], figure["status"], figure["period_end"]) == (4000, "unresolved", None)


def test_this_year_before_a_list_and_by_a_day_after_it_is_one_period() -> None:
    figures = read(
        dateline(
            "Traffic grew this year at the Irkeshtam port, with the station handling over 60,000 trips and"
            " 50,000 vehicles by Sunday, up 40 percent and 35 percent year on year, respectively. The Irkeshtam"
            " immigration inspection station said so."
        )
    )["figures"]
    people, vehicles = figures
    assert (people["metric"], people["status"], people["qualifier"], people["yoy_change_pct"]) == (
        "passenger_crossings",
        "proposed",
        "more_than",
        40,
    )
    assert (people["period_start"], people["period_end"]) == ("2023-01-01", "2023-07-02")
    # "over" may bound the second item too; the seed records only a bound written before a value.
    assert (vehicles["value"], vehicles["status"], vehicles["yoy_change_pct"]) == (50_000, "unresolved", 35)
    assert "may bound this value too" in vehicles["reason"]


def test_a_company_named_after_a_city_is_not_its_port() -> None:
    text = dateline(
        "The figures come from China Railway Urumqi Group Co., Ltd.\n"
        "As of Friday, 2 million tonnes of cotton had been shipped by rail this year in Xinjiang."
    )
    reading = read(text)
    assert reading["figures"] == [] and reading["ports"] == []
    assert any("a region's total" in e["reason"] for e in reading["excluded"])


def test_a_headline_only_suggests_its_period() -> None:
    text = "The Torugart port saw over 90,000 travelers, up 20 percent year on year."
    (figure,) = to_json(
        extract(text, JULY_5, PORTS, METRICS, headline="Torugart port handles 90,000 travelers in 2022")
    )["figures"]
    assert (figure["status"], figure["period_end"]) == ("unresolved", None)
    assert "the headline says 'in 2022' (2022-01-01 to 2022-12-31)" in figure["reason"]


@pytest.mark.parametrize(
    "sentence, expected",
    [
        # "for the first N months" is a period like "in the first N months".
        (
            "Trains through the Horgos port numbered 2,900 for the first five months of this year.",
            ("freight_trains", 2900, "2023-01-01", "2023-05-31", None),
        ),
        # An adverb between the verb and its change.
        (
            "In May, the Alataw Pass handled 600 trains, up slightly by 2.5 percent year on year.",
            ("freight_trains", 600, "2023-05-01", "2023-05-31", 2.5),
        ),
        # "they" are the trains: "together" is no joint total of ports.
        (
            "The Alataw Pass handled 600 trains in May. Together they carried 280,000 tonnes of goods.",
            ("cargo_tonnage", 280_000, "2023-05-01", "2023-05-31", None),
        ),
        # A unit after a copula: "N were ... trains".
        (
            "The Alataw Pass handled 600 trains in May. Of these, 350 were outbound cargo trains.",
            ("freight_trains", 350, "2023-05-01", "2023-05-31", None),
        ),
    ],
)
def test_more_of_the_genres_phrasings(sentence: str, expected: tuple[Any, ...]) -> None:
    figure = proposed(dateline(sentence))[-1]
    fields = ("metric", "value", "period_start", "period_end", "yoy_change_pct")
    assert tuple(figure[f] for f in fields) == expected


def test_a_best_case_is_no_figure() -> None:
    reading = read(dateline("Trucks at the Bakti port now clear customs in as little as 15 minutes."))
    assert reading["figures"] == []
    assert any("a best or worst case" in e["reason"] for e in reading["excluded"])


def test_an_ordinal_of_this_year_counts_the_year_so_far() -> None:
    figure = only(dateline("On Monday, the Horgos port saw its 4,000th China-Europe freight train this year."))
    assert (figure["period_start"], figure["period_end"], figure["cumulative"]) == ("2023-01-01", "2023-07-03", False)
    # Without "this year" it is a running total since the first.
    figure = only(dateline("On Monday, the Horgos port saw its 4,000th China-Europe freight train."))
    assert (figure["period_start"], figure["period_end"], figure["cumulative"]) == (None, "2023-07-03", True)


def test_a_day_and_the_reports_own_year_are_the_year_so_far() -> None:
    figure = only(dateline("As of June 20, the Horgos port had handled 2,500 freight trains in 2023."))
    assert (figure["period_start"], figure["period_end"]) == ("2023-01-01", "2023-06-20")
    (figure,) = read(dateline("The Horgos port has handled 2,500 freight trains in 2023."))["figures"]
    assert figure["status"] == "unresolved" and "has not ended" in figure["reason"]


def test_the_two_ports_after_one_named_is_a_joint_total() -> None:
    reading = read(
        dateline(
            "Together with Horgos, another rail port of the region, the two ports have handled over 9,000 freight"
            " trains in the first half."
        )
    )
    assert [f for f in reading["figures"] if f["status"] == "proposed"] == []
    assert any("several ports together" in e["reason"] for e in reading["excluded"])
    # An apposition that counts the ports is no joint total.
    figure = only(dateline("Bakti, one of two land ports of Tacheng, handled 4,000 trucks in the first half."))
    assert (figure["port"], figure["value"]) == ("bakti", 4000)


def test_a_sentence_going_on_about_a_countrys_figure_takes_no_port_from_further_back() -> None:
    text = dateline(
        "The Horgos port handled 3,000 trains in the first half.\n"
        "Nationwide, China-Europe freight trains made 9,000 trips in the first half.\n"
        "The trains carried 800,000 TEUs of goods in the same period."
    )
    figures = read(text)["figures"]
    assert [(f["value"], f["status"]) for f in figures] == [(3000, "proposed"), (800_000, "unresolved")]
    assert "no port's" in figures[-1]["reason"]


def test_the_figure_for_another_port_counts_what_the_sentence_before_counts() -> None:
    figures = proposed(
        dateline(
            "The Alataw Pass handled 3,000 freight trains in the first half.\n"
            "The figure for Horgos was over 2,400, up 9 percent year on year."
        )
    )
    assert [
        (f["port"], f["metric"], f["value"], f["qualifier"], f["period_end"], f["yoy_change_pct"]) for f in figures
    ] == [
        ("alataw", "freight_trains", 3000, "exact", "2023-06-30", None),
        ("horgos", "freight_trains", 2400, "more_than", "2023-06-30", 9),
    ]


def test_a_change_that_names_its_own_figure_is_not_attached_to_another() -> None:
    reading = read(
        dateline(
            "In May, cargo at the Khunjerab Pass reached 9,000 tonnes, a year-on-year increase of 30% in vehicle traffic"
            " and 20% in trade volume."
        )
    )
    (figure,) = reading["figures"]
    assert (figure["value"], figure["yoy_change_pct"]) == (9000, None)
    assert any("a change of what it names" in e["reason"] for e in reading["excluded"])


def test_late_in_a_month_is_a_period_it_cannot_resolve() -> None:
    text = dateline("The Horgos port handled 3,000 trains in May.\nIt had handled 12,000 trucks as of late June.")
    figures = read(text)["figures"]
    assert [(f["value"], f["status"]) for f in figures] == [(3000, "proposed"), (12_000, "unresolved")]


@pytest.mark.parametrize(
    "sentence, period",
    [
        # "by the port" is no day: the "as of" after it is.
        (
            "Goods handled this year by the Horgos port exceeded 5 million tonnes as of Thursday.",
            ("2023-01-01", "2023-06-29"),
        ),
        # A time of day before the weekday.
        (
            "As of 9:00 a.m. Monday, the Horgos port had handled 5 million tonnes of goods this year.",
            ("2023-01-01", "2023-07-03"),
        ),
        # "since the start of this year" is the year so far, not a running total.
        (
            "As of Monday, 1,500 freight trains had crossed at the Horgos port since the start of this year.",
            ("2023-01-01", "2023-07-03"),
        ),
        # "N trips of <unit>"
        ("To date, the Horgos port has handled over 9,000 trips of China-Europe freight trains.", (None, "2023-07-04")),
    ],
)
def test_days_and_units_as_the_genre_words_them(sentence: str, period: tuple[str | None, str]) -> None:
    figure = only(dateline(sentence))
    assert (figure["period_start"], figure["period_end"]) == period


@pytest.mark.parametrize(
    "sentence, change",
    [
        # Against the year before a whole year's figure: year on year.
        ("The Alataw Pass handled 5,100 freight trains in 2022, up 12 percent over 2021.", 12),
        # Against another year, or a part of a year against a whole one: not year on year.
        ("The Alataw Pass handled 5,100 freight trains in 2022, up 20 percent compared to 2020.", None),
        ("The Alataw Pass handled 2,600 freight trains in the first half, up 8 percent compared to 2022.", None),
    ],
)
def test_a_change_against_a_named_year(sentence: str, change: float | None) -> None:
    assert only(dateline(sentence))["yoy_change_pct"] == change


def test_an_ordinal_that_repeats_a_count_is_its_milestone() -> None:
    reading = read(
        dateline(
            "The Alataw Pass has seen 1,800 freight trains this year. A train from Poland became the 1,800th"
            " freight train to cross the pass on Monday."
        )
    )
    assert [(f["value"], f["period_start"]) for f in reading["figures"]] == [(1800, "2023-01-01")]
    assert any("the milestone" in e["reason"] for e in reading["excluded"])
    # "the two ports" after a comma is the subject; "other ports in" is not several ports.
    figure = only(dateline("The Alataw Pass bested other railway ports in 2022 with a total of 5,100 freight trains."))
    assert (figure["port"], figure["value"]) == ("alataw", 5100)
