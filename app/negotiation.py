"""Content negotiation: which of the representations a route offers the Accept header prefers,
and whether Accept-Encoding takes gzip.

Pure functions. `preferred` is used by every route that negotiates; it follows RFC 9110, section
12.5.1: media ranges with `*` and q-values, the most specific range deciding for each offered
type. `accepts_coding` follows section 12.5.3, for app.middleware.ResponseCache."""

from collections.abc import Sequence


def _elements(header: str) -> list[tuple[str, float]]:
    """(lower-cased value, quality) of each element of an Accept or Accept-Encoding header. An
    element whose q is not a number counts for nothing, and is left out."""
    elements = []
    for part in header.split(","):
        value, *parameters = (piece.strip() for piece in part.split(";"))
        quality = 1.0
        for parameter in parameters:
            name, _, q = parameter.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = min(max(float(q), 0.0), 1.0)
                except ValueError:
                    quality = -1.0
        if value and quality >= 0:
            elements.append((value.lower(), quality))
    return elements


def _ranges(accept: str) -> list[tuple[str, str, float]]:
    """(type, subtype, quality) of each media range in an Accept header; malformed ones are skipped."""
    ranges = []
    for media_range, quality in _elements(accept):
        kind, _, subtype = media_range.partition("/")
        if kind and subtype:
            ranges.append((kind, subtype, quality))
    return ranges


def _match(accept: str, media_type: str) -> tuple[float, int]:
    """The quality the Accept header gives `media_type`, and how specific the range that gives it
    is: 2 for type/subtype, 1 for type/*, 0 for */*; (0, -1) where no range matches."""
    kind, _, subtype = media_type.lower().partition("/")
    best, specificity = 0.0, -1
    for range_kind, range_subtype, range_quality in _ranges(accept):
        if range_kind == kind and range_subtype == subtype:
            rank = 2
        elif range_kind == kind and range_subtype == "*":
            rank = 1
        elif range_kind == "*" and range_subtype == "*":
            rank = 0
        else:
            continue
        if rank > specificity:  # the most specific range decides, whatever its quality
            best, specificity = range_quality, rank
        elif rank == specificity:
            best = max(best, range_quality)
    return best, specificity


def quality(accept: str, media_type: str) -> float:
    """How much the Accept header wants `media_type`: the quality of the most specific range that
    matches it (type/subtype over type/* over */*), 0 where none does."""
    return _match(accept, media_type)[0]


def preferred(accept: str | None, offered: Sequence[str]) -> str:
    """The offered media type the Accept header ranks highest. Between equal qualities, the one the
    client named more specifically wins (`text/html, */*` is a browser asking for HTML), then the
    one offered first. A missing header, or one that accepts none of them, gets the first offered
    (RFC 9110 lets a server send its default rather than a 406)."""
    if not accept:
        return offered[0]
    matches = {media_type: _match(accept, media_type) for media_type in offered}
    ranked = max(offered, key=lambda media_type: (*matches[media_type], -offered.index(media_type)))
    return ranked if matches[ranked][0] > 0 else offered[0]


def accepts_coding(accept_encoding: str | None, coding: str) -> bool:
    """Whether Accept-Encoding takes `coding`: its own entry (or its x- alias), else `*`, with a q above 0. Without
    the header a client gets no coding: RFC 9110 would allow any, but clients that decode send it."""
    qualities = dict(_elements(accept_encoding or ""))
    own = qualities.get(coding, qualities.get(f"x-{coding}"))  # x-gzip is gzip (RFC 9110, 8.4.1.3)
    return (own if own is not None else qualities.get("*", 0.0)) > 0
