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
    # What one worker lets a request hold (docs/operations.md, "Reliability"). Queries run in threads, each on
    # a connection of the pool; SQLite on two cores gains nothing from more queries at once.
    database_connections: int = 8
    # Large answers (pages of more than 100 items, source views: tens of milliseconds of Python
    # each) rendered at once; the others wait their turn, and cheap answers do not wait for them.
    large_answers_at_once: int = 1
    # Seconds a request may wait for a connection or for its turn among large answers; past it,
    # 503 with Retry-After.
    queue_wait: float = 1.0
    # Seconds any one query may run before SQLite stops it (as Datasette's sql_time_limit_ms):
    # every legal query answers in milliseconds, so only a server far behind reaches it.
    query_time_limit: float = 1.0
    # Bulk downloads streaming at once per worker; past it, 503 with Retry-After. A slow reader
    # holds no connection and no thread, only its place and a part of the CSV in memory.
    max_downloads: int = 8
    # The schema's info.contact: who answers for this server. Whoever deploys it sets the address
    # (CONTACT_URL, CONTACT_EMAIL); the code cannot know it.
    contact_name: str = "Xinjiang land port statistics API"
    contact_url: str | None = None
    contact_email: str | None = None

    @property
    def database_path(self) -> Path:
        prefix = "sqlite:///"
        if not self.database_url.startswith(prefix):
            raise ValueError(f"DATABASE_URL must be a SQLite file URL (sqlite:///path), got {self.database_url!r}")
        return Path(self.database_url.removeprefix(prefix))

    @property
    def contact(self) -> dict[str, str]:
        fields = {"name": self.contact_name, "url": self.contact_url, "email": self.contact_email}
        return {key: value for key, value in fields.items() if value is not None}


@lru_cache
def get_settings() -> Settings:
    return Settings()
