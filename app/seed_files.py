"""The seed files read as data: by the seed, and for the ids the API's schema gives as examples.

Kept apart from app/seed.py so that the server reads them without importing Alembic."""

import tomllib
from pathlib import Path
from typing import Any

from app.settings import get_settings


def read_toml(path: Path) -> dict[str, Any]:
    with path.open("rb") as f:
        return tomllib.load(f)


def seed_ids(file_name: str, table: str) -> list[str]:
    """The ids of one kind of seed (`seed_ids("ports.toml", "port")`), sorted, from the seeds
    `make seed` reads (SEEDS_DIR)."""
    return sorted(row["id"] for row in read_toml(get_settings().seeds_dir / file_name)[table])
