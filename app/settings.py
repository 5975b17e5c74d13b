"""Every setting of the service, read once from the environment."""

from functools import lru_cache
from pathlib import Path

from pydantic_settings import BaseSettings

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    # SQLite only: the API publishes one immutable file.
    database_url: str = f"sqlite:///{PROJECT_ROOT / 'data' / 'ports.db'}"
    seeds_dir: Path = PROJECT_ROOT / "seeds"  # what `python -m app.seed` reads
    # How long clients and proxies may reuse an answer without asking again (ETag revalidates after).
    cache_max_age: int = 3600

    @property
    def database_path(self) -> Path:
        prefix = "sqlite:///"
        if not self.database_url.startswith(prefix):
            raise ValueError(f"DATABASE_URL must be a SQLite file URL (sqlite:///path), got {self.database_url!r}")
        return Path(self.database_url.removeprefix(prefix))


@lru_cache
def get_settings() -> Settings:
    return Settings()
