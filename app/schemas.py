"""The public shapes of the API. They are the contract: storage (app/models.py) may change
under them without clients noticing."""

from datetime import date
from typing import Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from app.figures import Qualifier

QUALIFIER_DOC = (
    "How `value` relates to the true figure, from the article's own words: `exact` (no qualifier), "
    '`more_than` ("more than", "over", "exceeded"), `at_least`, `less_than`, `at_most` ("within"), '
    "`approximately`. A bound is never rounded into an exact value."
)

T = TypeVar("T")


class PageLinks(BaseModel):
    self: str = Field(description="This page.", examples=["/v1/observations?port=bakti"])
    next: str | None = Field(
        default=None,
        description=(
            "The page after this one, while more items follow; absent on the last page. Follow it rather "
            "than raising `offset`: it costs the same at the millionth item as at the first."
        ),
        examples=["/v1/observations?port=bakti&after=bakti-cargo-tonnage-2023-01"],
    )


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int | None = Field(
        description=(
            "Number of items matching the request, across all pages. Null where a period filter matches "
            "more than 1,000 observations: counting further would cost as much as reading them; follow "
            "`links.next` to the end instead."
        )
    )
    limit: int = Field(description="Most items returned on one page.")
    offset: int = Field(description="Items skipped before the first one returned (after `after`, if given).")
    links: PageLinks


class SourceRef(BaseModel):
    id: str = Field(examples=["xinhua-2023-02-09-xinjiang-land-ports"])
    quote: str = Field(description="The article's exact words this figure was read from.")
    start: int = Field(description="Offset of the quote in the article's `text`, in Unicode characters.")
    end: int = Field(description="End of the quote: `text[start:end] == quote`.")
    href: str = Field(
        description="The source document.", examples=["/v1/sources/xinhua-2023-02-09-xinjiang-land-ports"]
    )
    view_href: str = Field(
        description="The quote, highlighted in the article as a web page.",
        examples=["/v1/sources/xinhua-2023-02-09-xinjiang-land-ports/view#obs-alataw-cargo-tonnage-2023-01"],
    )


class Observation(BaseModel):
    """One figure the article states, with the words it came from."""

    id: str = Field(examples=["alataw-cargo-tonnage-2023-01"])
    port: str = Field(description="Port id.", examples=["alataw"])
    metric: str = Field(description="Metric id.", examples=["cargo_tonnage"])
    value: int | float = Field(description="The number the article states, in `unit`.", examples=[1110000])
    unit: str = Field(description="The metric's unit.", examples=["tonnes"])
    qualifier: Qualifier = Field(description=QUALIFIER_DOC, examples=["more_than"])
    value_text: str = Field(description="The figure as written.", examples=["more than 1.11 million tonnes"])
    unit_text: str = Field(description="The unit as written.", examples=["tonnes"])
    scope: str | None = Field(description="What is counted, in the article's words.", examples=["cargo transported"])
    period_start: date | None = Field(
        description="First day covered; null for a running total since a service began, or a statement of how things stood.",
        examples=["2023-01-01"],
    )
    period_end: date = Field(description="Last day covered.", examples=["2023-01-31"])
    period_text: str | None = Field(
        description="The period as written; null where the article gives none.", examples=["in January"]
    )
    yoy_change_pct: int | float | None = Field(
        description="Year-on-year change in percent, as stated; null if none.", examples=[12.8]
    )
    yoy_qualifier: Qualifier | None = Field(
        description="How `yoy_change_pct` relates to the true change.", examples=["exact"]
    )
    yoy_text: str | None = Field(description="The change as written.", examples=["up 12.8 percent year on year"])
    prior_year_value: float | None = Field(
        description=(
            "DERIVED, not stated by the source: value / (1 + yoy_change_pct / 100), to the cent. A bound takes "
            "the rounding of the stated change into account ('12.8 percent' is 12.75 to 12.85) and is rounded "
            "outwards. Null without a year-on-year change, or where the two qualifiers bound it in opposite "
            "directions."
        ),
        examples=[983606.55],
    )
    prior_year_qualifier: Qualifier | None = Field(
        description="How `prior_year_value` relates to the true year-earlier figure, following from both qualifiers.",
        examples=["more_than"],
    )
    value_low: int | float = Field(
        description=(
            'DERIVED: the lowest value the words allow (app.intervals; docs/data.md, "What a statement proves"). '
            '"more than 1.11 million" is (1110000, null): low 1110000, not included, no upper bound; '
            '"1.16 million", rounded, is [1155000, 1165000); "3,800" in full digits is [3800, 3800]. Never below 0.'
        ),
        examples=[1110000],
    )
    value_high: int | float | None = Field(
        description="DERIVED: the highest value the words allow; null where they set no upper bound.", examples=[None]
    )
    low_inclusive: bool = Field(description="Whether `value_low` itself is allowed.", examples=[False])
    high_inclusive: bool | None = Field(
        description="Whether `value_high` itself is allowed; null where there is no upper bound.", examples=[None]
    )
    prior_year_low: int | float | None = Field(
        description=(
            "DERIVED: the lowest year-earlier value the value's interval and the change's allow (the change as "
            'rounded: "12.8 percent" is [12.75, 12.85)), rounded down to the cent; null where the change proves '
            "nothing about the year before, or there is none."
        ),
        examples=[983606.55],
    )
    prior_year_high: int | float | None = Field(
        description="DERIVED: the highest year-earlier value allowed, rounded up to the cent; null for no upper bound.",
        examples=[None],
    )
    prior_year_low_inclusive: bool | None = Field(description="Whether `prior_year_low` itself is allowed.")
    prior_year_high_inclusive: bool | None = Field(description="Whether `prior_year_high` itself is allowed.")
    note: str | None = Field(description="Why the figure was read this way, where that is not obvious.")
    source: SourceRef
    href: str = Field(
        description="This observation's permalink.", examples=["/v1/observations/alataw-cargo-tonnage-2023-01"]
    )


class StatementRef(BaseModel):
    id: str = Field(description="The observation's id.", examples=["alataw-cargo-tonnage-2023-01"])
    href: str = Field(
        description="The observation's permalink, with its quote.",
        examples=["/v1/observations/alataw-cargo-tonnage-2023-01"],
    )


class SeriesPoint(BaseModel):
    """What the statements together prove about one period of a port's series of one metric."""

    period_start: date | None = Field(
        description="First day covered; null for a running total, placed by its end.", examples=["2023-01-01"]
    )
    period_end: date = Field(description="Last day covered.", examples=["2023-01-31"])
    kind: Literal["stated", "derived"] = Field(
        description=(
            "`stated`: the intersection of every statement about this period (narrowed by what other statements "
            "imply, where that agrees); `derived`: stated nowhere, implied by statements about other periods "
            "(a year-on-year change, or two year-to-date totals)."
        ),
        examples=["stated"],
    )
    value_low: int | float = Field(description="The lowest value allowed; never below 0.", examples=[1110000])
    value_high: int | float | None = Field(description="The highest value allowed; null for no upper bound.")
    low_inclusive: bool = Field(description="Whether `value_low` itself is allowed.", examples=[False])
    high_inclusive: bool | None = Field(description="Whether `value_high` itself is allowed; null without one.")
    unit: str = Field(description="The metric's unit.", examples=["tonnes"])
    statements: list[StatementRef] = Field(description="The statements this point rests on, in id order.")
    how: str = Field(
        description="How it was reached, in words.",
        examples=[
            "1 statement",
            "2022-01 from a 12.8 % change on 2023-01",
            "2023-08 = Jan–Aug 2023 minus Jan–Jul 2023",
        ],
    )
    overrides: list[StatementRef] = Field(
        description="Statements about this period set aside by a curated resolution (seeds/resolutions.toml)."
    )
    resolution: str | None = Field(description="The curated resolution's reason, where one was applied.")
    warning: str | None = Field(description="Where what other statements imply contradicts what is stated here.")


class SeriesLink(BaseModel):
    port: str = Field(examples=["alataw"])
    metric: str = Field(examples=["cargo_tonnage"])
    series: str = Field(
        description="The series, one point per period (JSON).",
        examples=["/v1/ports/alataw/metrics/cargo_tonnage/series"],
    )
    csv: str = Field(description="The same, as CSV.", examples=["/v1/ports/alataw/metrics/cargo_tonnage/series.csv"])
    chart: str = Field(
        description="The same, drawn as an SVG chart.", examples=["/v1/ports/alataw/metrics/cargo_tonnage/series.svg"]
    )


class CslDate(BaseModel):
    date_parts: list[list[int]] = Field(alias="date-parts", examples=[[[2023, 2, 9]]])


class CslName(BaseModel):
    literal: str = Field(
        description="An institution's name, which styles print as it is.", examples=["Xinhua News Agency"]
    )


class CslItem(BaseModel):
    """One item of a CSL-JSON document, the citation format of Zotero, pandoc and citeproc
    (https://github.com/citation-style-language/schema, `csl-data.json`)."""

    id: str = Field(description="The observation's id.", examples=["alataw-cargo-tonnage-2023-01"])
    type: Literal["article-newspaper"]
    author: list[CslName] = Field(description="The agency, as an institutional author.")
    title: str = Field(description="The article's headline.")
    container_title: str = Field(alias="container-title", examples=["Xinhua News Agency"])
    publisher: str = Field(examples=["Xinhua News Agency"])
    issued: CslDate = Field(description="The date of publication.")
    URL: str = Field(description="The article on the publisher's site.")
    language: str = Field(examples=["en"])
    note: str = Field(description="The quote, with its offsets in the article's text, in words.")


class PortName(BaseModel):
    name: str = Field(examples=["Alashankou"])
    language: str = Field(description="BCP 47 language tag.", examples=["zh-Latn-pinyin"])
    source_url: str = Field(description="Where this name was found.")


class PortLinks(BaseModel):
    self: str = Field(examples=["/v1/ports/alataw"])
    observations: str = Field(examples=["/v1/observations?port=alataw"])


class Port(BaseModel):
    id: str = Field(description="Slug used in URLs.", examples=["alataw"])
    name: str = Field(description="The name the article uses.", examples=["Alataw"])
    aliases: list[str] = Field(description="Other names that address this port in URLs.", examples=[["Alashankou"]])
    names: list[PortName] = Field(description="The aliases with their language and where each was found.")
    links: PortLinks


class PortDetail(Port):
    observations: list[Observation] = Field(
        description=(
            "The first page (at most 100) of this port's figures, in list order; empty where the source gives none. "
            "`links.observations` lists them all."
        )
    )
    observations_total: int = Field(description="How many figures this port has in all.", examples=[1])
    series: list[SeriesLink] = Field(
        description="The port's consolidated series, one per metric it has figures of, in metric order."
    )


class MetricLinks(BaseModel):
    self: str = Field(examples=["/v1/metrics/cargo_tonnage"])
    observations: str = Field(examples=["/v1/observations?metric=cargo_tonnage"])


class Metric(BaseModel):
    id: str = Field(examples=["cargo_tonnage"])
    name: str = Field(examples=["Cargo tonnage"])
    unit: str = Field(examples=["tonnes"])
    description: str
    links: MetricLinks


class MetricDetail(Metric):
    observations: list[Observation] = Field(
        description="The first page (at most 100) of this metric's figures across all ports; `links.observations` lists them all."
    )
    observations_total: int = Field(description="How many figures of this metric there are in all.", examples=[2])
    series: list[SeriesLink] = Field(
        description="The series of this metric at each port that has figures of it: the first 100 ports, in id order."
    )


class Source(BaseModel):
    id: str = Field(examples=["xinhua-2023-02-09-xinjiang-land-ports"])
    publisher: str = Field(examples=["Xinhua News Agency"])
    dateline: str = Field(examples=["URUMQI, Feb. 9"])
    published: date = Field(examples=["2023-02-09"])
    headline: str
    url: str = Field(description="The article on the publisher's site.")
    language: str = Field(examples=["en"])
    sha256: str = Field(description="SHA-256 of the article's UTF-8 bytes, as received.")
    href: str = Field(examples=["/v1/sources/xinhua-2023-02-09-xinjiang-land-ports"])


class SourceDetail(Source):
    text: str = Field(description="The full article; every observation's quote is `text[start:end]`.")


class Health(BaseModel):
    status: Literal["ok"]
    dataset_version: str = Field(
        description="SHA-256 of every row of the data being served, computed when the database was built; it changes exactly when the data does."
    )
    ports: int
    metrics: int
    sources: int
    observations: int
    connections_in_use: int = Field(description="Database connections this worker has checked out now.")
    downloads: int = Field(description="Bulk downloads this worker is streaming now.")


class ParameterError(BaseModel):
    """One invalid parameter of a request."""

    in_: Literal["path", "query", "header"] = Field(alias="in", description="Where the parameter is.")
    name: str = Field(description="The parameter's name.", examples=["limit"])
    message: str = Field(description="What is wrong with it.", examples=["Input should be less than or equal to 1000"])


class Problem(BaseModel):
    """An error, as RFC 9457 problem details (`application/problem+json`)."""

    model_config = ConfigDict(extra="allow")

    type: str = Field(default="about:blank", examples=["about:blank"])
    title: str = Field(examples=["Not Found"])
    status: int = Field(examples=[404])
    detail: str = Field(examples=["No such port. Valid ids: alataw, bakti, horgos, urumqi."])
    valid_values: list[str] | None = Field(default=None, description="The values that would have been accepted.")
    errors: list[ParameterError] | None = Field(
        default=None, description="Each invalid parameter: where it is and what is wrong."
    )
