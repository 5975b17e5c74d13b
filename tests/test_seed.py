"""Seeding: every figure checked against the article, nothing written unless all pass,
the old database kept on failure, and the same bytes every time."""

import hashlib
import os
import re
import subprocess
import sys
import time
import tomllib
from datetime import date
from pathlib import Path

import pytest

from app.db import check_database
from app.seed import SeedError, load_seeds, remove_leftovers, seed
from tests.helpers import SEEDS

FIGURES_FILE = "xinhua-2023-02-09-xinjiang-land-ports.figures.toml"
ARTICLE_SHA256 = "0be896afe3b686b0c62ad6abc35f45c341f9183f774769b77ec8f9f029e1e38f"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def break_figure(seeds_dir: Path, figure_id: str, field: str, value: str) -> None:
    """Rewrite one field of one figure in the article's figures file."""
    path = seeds_dir / FIGURES_FILE
    text = path.read_text(encoding="utf-8")
    blocks = text.split("[[figure]]")
    for i, block in enumerate(blocks):
        if f'id = "{figure_id}"' in block:
            pattern = rf"^{field} = .*$"
            assert re.search(pattern, block, flags=re.M), f"{field} not in {figure_id}"
            blocks[i] = re.sub(pattern, f"{field} = {value}", block, count=1, flags=re.M)
    path.write_text("[[figure]]".join(blocks), encoding="utf-8")


def test_article_is_byte_for_byte_as_received() -> None:
    # The checksum of ../shared/seeds/xinhua-2023-02-09-xinjiang-land-ports.txt as received.
    ours = (SEEDS / "xinhua-2023-02-09-xinjiang-land-ports.txt").read_bytes()
    assert hashlib.sha256(ours).hexdigest() == ARTICLE_SHA256
    assert ours.endswith(" ■".encode()) and not ours.endswith(b"\n")


def test_every_quote_is_at_its_offsets() -> None:
    seeds = load_seeds(SEEDS)
    texts = {source.id: source.text for source in seeds.sources}
    for o in seeds.observations:
        assert texts[o.source_id][o.quote_start : o.quote_end] == o.quote


@pytest.mark.parametrize(
    "figure_id, field, value, message",
    [
        ("alataw-cargo-tonnage-2023-01", "quote", '"more than 1.12 million tonnes of cargo"', "not in the article"),
        ("alataw-cargo-tonnage-2023-01", "value", "1110001", "reads as 1,110,000, not 1,110,001"),
        ("alataw-cargo-tonnage-2023-01", "value", "1.11", "reads as"),
        ("alataw-cargo-tonnage-2023-01", "qualifier", '"exact"', "is qualified more_than, not exact"),
        ("alataw-cargo-tonnage-2023-01", "yoy_change_pct", "12.9", "reads as (12.8, 'exact')"),
        ("alataw-cargo-tonnage-2023-01", "period_start", "2023-02-01", "does not match 'in January'"),
        ("bakti-vehicle-crossings-2023-01", "yoy_qualifier", '"exact"', "reads as (156.0, 'more_than')"),
        ("bakti-vehicle-crossings-2023-01", "port", '"horgos"', "is not named in the quote"),
        ("bakti-vehicle-crossings-2023-01", "metric", '"passengers"', "unknown metric 'passengers'"),
        ("bakti-vehicle-crossings-2023-01", "unit", '"trucks"', "is not the metric's unit"),
        ("urumqi-freight-trains-2023-02-06", "period_end", "2023-02-07", "does not match 'on Monday'"),
        ("urumqi-freight-trains-2023-02-06", "value_text", '"6,600th"', "is not in the quote"),
        ("bakti-inspection-time-2023-02-09", "value", "20", "reads as 30, not 20"),
    ],
)
def test_a_bad_figure_stops_the_seed_naming_figure_and_quote(
    seeds_copy: Path, tmp_path: Path, figure_id: str, field: str, value: str, message: str
) -> None:
    break_figure(seeds_copy, figure_id, field, value)
    with pytest.raises(SeedError) as raised:
        seed(seeds_copy, tmp_path / "new.db")
    assert f"figure {figure_id!r}" in str(raised.value)
    assert message in str(raised.value)
    assert "quote: " in str(raised.value)
    assert not (tmp_path / "new.db").exists()


def test_an_unknown_field_stops_the_seed(seeds_copy: Path, tmp_path: Path) -> None:
    path = seeds_copy / FIGURES_FILE
    path.write_text(path.read_text().replace("value = 30\n", "value = 30\nvalu = 3\n"))  # a typo
    with pytest.raises(SeedError, match="unknown fields valu"):
        seed(seeds_copy, tmp_path / "new.db")


def test_a_failed_seed_leaves_the_existing_database_untouched(seeds_copy: Path, tmp_path: Path) -> None:
    database = tmp_path / "ports.db"
    seed(SEEDS, database)
    before = sha256(database)
    break_figure(seeds_copy, "bakti-cargo-tonnage-2023-01", "value", "34107")
    with pytest.raises(SeedError):
        seed(seeds_copy, database)
    assert sha256(database) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ports.db", "seeds"]  # no half-built file left


def test_seeding_twice_gives_the_same_bytes(tmp_path: Path) -> None:
    first, second = tmp_path / "a.db", tmp_path / "b.db"
    seed(SEEDS, first)
    seed(SEEDS, second)
    assert sha256(first) == sha256(second)
    seed(SEEDS, first)  # over an existing database
    assert sha256(first) == sha256(second)


def run_seed_command(database: Path, seeds_dir: Path = SEEDS) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "SEEDS_DIR": str(seeds_dir)}
    return subprocess.run([sys.executable, "-m", "app.seed"], env=env, capture_output=True, text=True, timeout=60)


def test_seed_command_reports_what_it_wrote(tmp_path: Path) -> None:
    result = run_seed_command(tmp_path / "ports.db")
    assert result.returncode == 0, result.stderr
    seeds = load_seeds(SEEDS)
    counts = (len(seeds.ports), len(seeds.metrics), len(seeds.sources), len(seeds.observations))
    assert "{} ports, {} metrics, {} sources, {} observations".format(*counts) in result.stdout


def test_seed_command_fails_non_zero_and_says_why(seeds_copy: Path, tmp_path: Path) -> None:
    break_figure(seeds_copy, "alataw-cargo-tonnage-2023-01", "value", "1200000")
    result = run_seed_command(tmp_path / "ports.db", seeds_copy)
    assert result.returncode == 1
    assert "figure 'alataw-cargo-tonnage-2023-01'" in result.stderr
    assert "more than 1.11 million tonnes" in result.stderr
    assert "is unchanged" in result.stderr
    assert not (tmp_path / "ports.db").exists()


def test_the_xinhua_article_gives_horgos_no_figures() -> None:
    """It names Horgos only for the travellers passing through it: nothing is invented for it."""
    figures = tomllib.loads((SEEDS / FIGURES_FILE).read_text())["figure"]
    assert {f["port"] for f in figures} == {"urumqi", "alataw", "bakti"}


def test_source_metadata() -> None:
    source = next(s for s in load_seeds(SEEDS).sources if s.id == FIGURES_FILE.removesuffix(".figures.toml"))
    assert source.published == date(2023, 2, 9)
    assert source.publisher == "Xinhua News Agency"
    assert source.url == "https://english.news.cn/20230209/00008459e7a2499e98febae6b28a42bb/c.html"


def test_a_name_shared_by_two_ports_stops_the_seed(seeds_copy: Path, tmp_path: Path) -> None:
    path = seeds_copy / "ports.toml"
    path.write_text(path.read_text().replace('name = "Baktu"', 'name = "Alatau"'))
    with pytest.raises(SeedError, match="'Alatau' would address both alataw and bakti"):
        seed(seeds_copy, tmp_path / "new.db")


def test_a_killed_seed_leaves_the_database_whole_and_the_next_seed_cleans_up(seeds_copy: Path, tmp_path: Path) -> None:
    """SIGKILL `python -m app.seed` at points ever later in its build, from the moment its new file
    appears, until one run finishes first (or, on a machine too busy for that, a last one unkilled). The database must always be the old one or the new one,
    whole, and what the killed runs leave behind must break neither the server nor the next seed,
    which removes it."""
    database = tmp_path / "ports.db"
    path = seeds_copy / "metrics.toml"  # the old database differs from the new one in one description
    path.write_text(path.read_text().replace("Inbound and outbound vehicles through the port.", "Vehicles."))
    seed(seeds_copy, database)
    old = sha256(database)
    seed(SEEDS, tmp_path / "new.db")
    new = sha256(tmp_path / "new.db")
    (tmp_path / "new.db").unlink()
    assert old != new

    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "SEEDS_DIR": str(SEEDS)}
    left_files = 0
    for delay in (0.001 * 3**i for i in range(8)):  # 1 ms to 2.2 s; the build takes about 0.1 s
        process = subprocess.Popen([sys.executable, "-m", "app.seed"], env=env, stdout=subprocess.DEVNULL)
        building = database.with_name(f".ports.db.{process.pid}.new")
        deadline = time.monotonic() + 60
        while not building.exists() and process.poll() is None:
            assert time.monotonic() < deadline, "the seed never started building"
            time.sleep(0.0005)
        time.sleep(delay)
        process.kill()
        process.wait(timeout=10)
        assert sha256(database) in (old, new), f"killed {delay}s into the build"
        if process.returncode == 0:
            break
        left_files += building.exists()
        check_database(database)[0].dispose()  # what the server checks at start: leftovers do not matter
    else:  # a machine so busy that every run was killed: one more, left to finish
        finished = subprocess.run([sys.executable, "-m", "app.seed"], env=env, stdout=subprocess.DEVNULL, timeout=120)
        assert finished.returncode == 0
    assert left_files, "no run was killed while building"
    # The run that finished swapped in the new database and removed what the killed ones left.
    assert sha256(database) == new
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ports.db", "seeds"]


def test_a_running_seeds_file_is_left_alone(tmp_path: Path) -> None:
    database = tmp_path / "ports.db"
    mine = database.with_name(f".ports.db.{os.getpid()}.new")  # as if this process were building
    mine.write_bytes(b"half built")
    dead = database.with_name(".ports.db.999999999.new")
    dead.write_bytes(b"half built")
    database.with_name(".ports.db.999999999.new-journal").write_bytes(b"journal")
    remove_leftovers(database)
    assert sorted(p.name for p in tmp_path.iterdir()) == [mine.name]


def test_a_number_neither_loaded_nor_excluded_stops_the_seed(seeds_copy: Path, tmp_path: Path) -> None:
    path = seeds_copy / FIGURES_FILE
    text = path.read_text()
    path.write_text(text[: text.index("[[excluded]]")])  # the two COVID-19 exclusions dropped
    with pytest.raises(SeedError) as raised:
        seed(seeds_copy, tmp_path / "new.db")
    message = str(raised.value)
    assert message.count("the number '19' is neither a figure's value, change or period nor excluded") == 2
    assert "after the country optimized its COVID-19 response" in message
    assert not (tmp_path / "new.db").exists()


def test_an_exclusion_of_no_number_stops_the_seed(seeds_copy: Path, tmp_path: Path) -> None:
    with (seeds_copy / FIGURES_FILE).open("a") as f:
        f.write('\n[[excluded]]\ntext = "12.8"\nquote = "up 12.8 percent"\nreason = "a figure\'s own change"\n')
    with pytest.raises(SeedError, match=r"excluded '12.8' \('up 12.8 percent'\) excludes no number"):
        seed(seeds_copy, tmp_path / "new.db")


def test_the_datelines_date_is_accounted_for_by_the_metadata(seeds_copy: Path, tmp_path: Path) -> None:
    path = seeds_copy / "xinhua-2023-02-09-xinjiang-land-ports.toml"
    path.write_text(path.read_text().replace('dateline = "URUMQI, Feb. 9"', 'dateline = "URUMQI, Feb. 8"'))
    with pytest.raises(SeedError, match="dateline 'URUMQI, Feb. 9' is not its metadata's 'URUMQI, Feb. 8'"):
        seed(seeds_copy, tmp_path / "new.db")


def test_a_figure_names_no_source_and_a_figures_file_needs_its_article(seeds_copy: Path, tmp_path: Path) -> None:
    break_figure(seeds_copy, "bakti-inspection-time-2023-02-09", "value", '30\nsource = "other"')
    (seeds_copy / "missing-article.figures.toml").write_text("")
    with pytest.raises(SeedError) as raised:
        seed(seeds_copy, tmp_path / "new.db")
    assert "drop the source field" in str(raised.value)
    assert "missing-article.figures.toml: no article missing-article.txt beside it" in str(raised.value)
