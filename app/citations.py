"""Citations of the article an observation was read from, in CSL-JSON and BibTeX.

Pure functions: an observation and its source in, the citation out. Each citation names the
article (publisher, headline, date, address) and carries the quote with its offsets, so whoever
cites a figure also cites the words it stands on.
"""

import re
from typing import Any
from urllib.parse import quote as percent_encode

from app.schemas import Observation, Source

CSL_JSON = "application/vnd.citationstyles.csl+json"
BIBTEX = "application/x-bibtex"

# LaTeX reads these as commands or syntax; everything else, Unicode included, is written as is
# (BibTeX files are UTF-8 today, and biber and LaTeX's utf8 input read it).
_LATEX_SPECIALS = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "$": r"\$",
    "&": r"\&",
    "%": r"\%",
    "#": r"\#",
    "_": r"\_",
    "^": r"\textasciicircum{}",
    "~": r"\textasciitilde{}",
}
_MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]


def quote_note(observation: Observation) -> str:
    """The quote and where it is, in words: the part of the citation that is about this figure."""
    s = observation.source
    return (
        f"Figure {observation.id} was read from characters {s.start}–{s.end} (counted from 0, end excluded) "
        f"of the article text: “{s.quote}”"
    )


def csl_item(observation: Observation, source: Source) -> dict[str, Any]:
    """One CSL-JSON item. Its id is the observation's: citing two figures of the same article gives
    two items, each with its own quote. Only variables of the CSL 1.0.2 schema that processors
    render: the quote is in `note`, and as data at the observation's own address."""
    issued = source.published
    return {
        "id": observation.id,
        "type": "article-newspaper",
        # The agency wrote the story: an institutional author, a literal name that no style splits
        # into given and family names.
        "author": [{"literal": source.publisher}],
        "title": source.headline,
        # A news agency's story has no newspaper apart from the agency, so the agency is also the
        # container, which is where styles print a newspaper's name.
        "container-title": source.publisher,
        "publisher": source.publisher,
        "issued": {"date-parts": [[issued.year, issued.month, issued.day]]},
        "URL": source.url,
        "language": source.language,
        "note": quote_note(observation),
    }


def csl_json(observation: Observation, source: Source) -> list[dict[str, Any]]:
    """A CSL-JSON document: an array of items, as the CSL schema defines it, here with one item,
    so that the file works as it is as a bibliography (pandoc, Zotero, citeproc)."""
    return [csl_item(observation, source)]


def bibtex_text(text: str) -> str:
    """Text for a braced BibTeX field: LaTeX's special characters escaped, and whitespace runs
    (newlines included) made single spaces, since a blank line would end a paragraph in LaTeX."""
    return "".join(_LATEX_SPECIALS.get(character, character) for character in " ".join(text.split()))


def bibtex_key(text: str) -> str:
    """A citation key in the characters every BibTeX reader accepts in one; any other becomes `-`."""
    return re.sub(r"[^A-Za-z0-9_:.-]", "-", text)


def bibtex_url(url: str) -> str:
    """The url field is read verbatim (biblatex, the url package), so it is not LaTeX-escaped; the
    characters that could break the field cannot be in a valid URL anyway, and are percent-encoded."""
    return percent_encode(url, safe="/:?#[]@!$&'()*+,;=%~-._")


def bibtex(observation: Observation, source: Source) -> str:
    """A BibTeX @article entry, read by BibTeX, biblatex and pybtex alike; `note` holds the quote.
    @article, not biblatex's @online: every BibTeX style knows it, and a wire story is an article,
    the agency being where a newspaper's name goes (`journal`)."""
    issued = source.published
    fields = [
        # Double braces: one name, not a family name "Agency" with given names "Xinhua News".
        ("author", "{{" + bibtex_text(source.publisher) + "}}"),
        # Double braces keep the headline's capitals: styles would otherwise lower-case "Xinjiang".
        ("title", "{{" + bibtex_text(source.headline) + "}}"),
        ("journal", "{" + bibtex_text(source.publisher) + "}"),
        ("publisher", "{" + bibtex_text(source.publisher) + "}"),
        ("year", "{" + str(issued.year) + "}"),
        ("month", _MONTHS[issued.month - 1]),  # a macro every style defines, so unbraced
        ("day", "{" + str(issued.day) + "}"),
        ("date", "{" + issued.isoformat() + "}"),  # biblatex's full date; BibTeX styles ignore it
        ("url", "{" + bibtex_url(source.url) + "}"),
        ("note", "{" + bibtex_text(quote_note(observation)) + "}"),
    ]
    lines = [f"@article{{{bibtex_key(observation.id)},"]
    lines += [f"  {name:<9} = {value}," for name, value in fields]
    return "\n".join(lines) + "\n}\n"
