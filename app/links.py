"""Every link the API gives out, built here and nowhere else. Links are relative to the server,
so they hold behind any proxy or host name; the version prefix is written once, in API."""

from urllib.parse import quote, urlencode

API = "/v1"
PORTS = f"{API}/ports"
METRICS = f"{API}/metrics"
OBSERVATIONS = f"{API}/observations"
SOURCES = f"{API}/sources"
DOWNLOADS = f"{API}/downloads"
OBSERVATIONS_CSV = f"{DOWNLOADS}/observations.csv"
DATABASE = f"{DOWNLOADS}/ports.db"
HEALTH = "/healthz"
FAVICON = "/static/favicon.svg"  # for pages; /favicon.ico is for browsers that ask without one


def port(port_id: str) -> str:
    return f"{PORTS}/{port_id}"


def metric(metric_id: str) -> str:
    return f"{METRICS}/{metric_id}"


def series(port_id: str, metric_id: str, representation: str = "") -> str:
    """A port's consolidated series of one metric: JSON, or `.csv`, or the `.svg` chart."""
    return f"{PORTS}/{port_id}/metrics/{metric_id}/series{representation}"


def observation(observation_id: str) -> str:
    return f"{OBSERVATIONS}/{observation_id}"


def observations(**filters: str) -> str:
    """The observations list with these filters, such as `observations(port="alataw")`."""
    return f"{OBSERVATIONS}?{urlencode(filters)}"


def source(source_id: str) -> str:
    return f"{SOURCES}/{source_id}"


def mark_id(observation_id: str) -> str:
    """The id of an observation's quote in its source's view."""
    return f"obs-{observation_id}"


def source_view(source_id: str, observation_id: str) -> str:
    """An observation's quote, marked in its source's view."""
    return f"{SOURCES}/{source_id}/view#{mark_id(observation_id)}"


def page(path: str, query: list[tuple[str, str]], after: str | None = None) -> str:
    """A page of a list: `path` with the request's own query, or, given `after`, the page that
    follows that item, which replaces any `after` and `offset` the request had."""
    if after is not None:
        query = [(k, v) for k, v in query if k not in ("after", "offset")] + [("after", after)]
    path = quote(path)  # a port's other name in the path ("/v1/ports/Какака/..."): a header holds ASCII only
    return f"{path}?{urlencode(query)}" if query else path
