"""The seed files read as data: by the seed, and for the ids the API's schema gives as examples.

Kept apart from app/seed.py so that the server reads them without importing Alembic."""

import tomllib
from pathlib import Path
from typing import Any

from app.settings import get_settings

# Each article's figures and exclusions live beside it: seeds/<id>.figures.toml for seeds/<id>.txt.
FIGURES_SUFFIX = ".figures.toml"


def read_toml(path: Path) -> dict[str, Any]:
    with path.open("rb") as f:
        return tomllib.load(f)


def seed_ids(pattern: str, table: str) -> list[str]:
    """The ids of one kind of seed, sorted, from every file of the seeds `make seed` reads
    (SEEDS_DIR) that matches the glob `pattern`: `seed_ids("ports.toml", "port")`,
    `seed_ids("*.figures.toml", "figure")` for the figures of every article."""
    paths = sorted(get_settings().seeds_dir.glob(pattern))
    return sorted(row["id"] for path in paths for row in read_toml(path).get(table, []))


def source_ids() -> list[str]:
    """The ids of the articles in the seeds: each is seeds/<id>.txt."""
    return sorted(path.stem for path in get_settings().seeds_dir.glob("*.txt"))
