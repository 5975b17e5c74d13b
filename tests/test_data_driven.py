"""The proof that the suite follows the data: two more articles in a copy of the seeds, and the
data-derived test modules, unchanged, pass against it.

The articles (tests/data/articles/) are made up for this test, in the genre's style, each with its
figures and exclusions in the seeds' per-article layout; one gives Horgos its first figures, so
that the ports without figures change too. Nothing in the code or the tests is changed for them:
the modules below read what they expect from the seeds (tests/helpers.py, SEEDS_DIR)."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

from app.seed import Seeds, load_seeds, seed
from app.seed_files import read_toml
from app.settings import PROJECT_ROOT
from tests.helpers import SEEDS

ARTICLES = Path(__file__).with_name("data") / "articles"
# The modules whose every expectation comes from the seeds. Left out: the seed's own tests and the
# figure rules (tests/test_seed.py and tests/test_figures.py, which break today's article on
# purpose), the scale tests (a synthetic dataset), and the load and browser tests, which take
# minutes; tests/test_make_run.py too, for its time (it would pass: make run seeds from SEEDS_DIR).
MODULES = [
    "tests/test_ports.py",
    "tests/test_observations.py",
    "tests/test_metrics_and_sources.py",
    "tests/test_citations.py",
    "tests/test_source_view.py",
    "tests/test_http.py",
    "tests/test_docs.py",
    "tests/test_headers.py",
    "tests/test_caching.py",
    "tests/test_bad_input.py",
    "tests/test_clients.py",
    "tests/test_openapi_properties.py",
    "tests/test_series.py",
]


def without_figures(seeds: Seeds) -> set[str]:
    return {port.id for port in seeds.ports} - {o.port_id for o in seeds.observations}


def test_two_more_articles_change_no_test(tmp_path: Path) -> None:
    seeds_dir = Path(shutil.copytree(SEEDS, tmp_path / "seeds"))
    added = sorted(path.name.removesuffix(".txt") for path in ARTICLES.glob("*.txt"))
    assert len(added) == 2
    for path in ARTICLES.iterdir():
        shutil.copy(path, seeds_dir / path.name)

    before, after = load_seeds(SEEDS), seed(seeds_dir, tmp_path / "ports.db")
    assert {s.id for s in after.sources} == {s.id for s in before.sources} | set(added)
    figures = {f["id"] for path in ARTICLES.glob("*.figures.toml") for f in read_toml(path)["figure"]}
    assert {o.id for o in after.observations} == {o.id for o in before.observations} | figures
    assert without_figures(after) == without_figures(before) - {"horgos"}  # Horgos has figures now

    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-v", "--basetemp", tmp_path / "pytest", *MODULES],
        cwd=PROJECT_ROOT,
        env={**os.environ, "SEEDS_DIR": str(seeds_dir)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-20_000:]
    # They ran on the copy, not on the seeds: the new articles are among the cases, and passed.
    for source_id in added:
        assert f"test_source_has_the_article_exactly[{source_id}] PASSED" in result.stdout, output[-5_000:]
