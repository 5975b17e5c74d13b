"""The docs' links: every link to a file or an anchor in README.md and docs/*.md leads somewhere,
and every path of the repository the text names in backticks exists. Addresses on the web are
not fetched (CI has no network but the package registries); they must at least be absolute.

GitHub's rules for anchors: a heading's text, lowercased, with punctuation other than hyphens and
spaces removed and spaces turned into hyphens; a repeated heading gets -1, -2, ..."""

import re
from pathlib import Path

import pytest

from app.settings import PROJECT_ROOT

LINK = re.compile(r"(?<!!)\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)|<(https?://[^>\s]+)>")
HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$", re.M)
FENCE = re.compile(r"^```.*?^```", re.M | re.S)
# A path of the repository named in backticks: it starts with one of its top-level folders.
REPO_PATH = re.compile(r"`((?:app|tests|seeds|docs|deploy|migrations|\.ci)/[\w./-]*)`")


def markdown_files(root: Path) -> list[Path]:
    return [root / "README.md", *sorted((root / "docs").glob("*.md"))]


def anchors(text: str) -> set[str]:
    seen: dict[str, int] = {}
    found = set()
    for heading in HEADING.findall(FENCE.sub("", text)):
        plain = re.sub(r"[`*_]|\[([^\]]*)\]\([^)]*\)", r"\1", heading)
        slug = re.sub(r"[^\w\- ]", "", plain.lower()).replace(" ", "-")
        count = seen.get(slug, 0)
        seen[slug] = count + 1
        found.add(slug if count == 0 else f"{slug}-{count}")
    return found


def broken_links(root: Path, path: Path) -> list[str]:
    """What is broken in one Markdown file: links to missing files or anchors, relative web
    addresses, and repository paths in backticks that do not exist."""
    text = path.read_text(encoding="utf-8")
    prose = FENCE.sub("", text)
    problems = []
    for target, web in LINK.findall(prose):
        if web or target.startswith(("https://", "http://", "mailto:")):
            continue
        file_part, _, anchor = target.partition("#")
        linked = (path.parent / file_part).resolve() if file_part else path
        if not linked.exists():
            problems.append(f"{path.name}: link to {target}: no such file")
        elif anchor and linked.suffix == ".md" and anchor not in anchors(linked.read_text(encoding="utf-8")):
            problems.append(f"{path.name}: link to {target}: no such heading in {linked.name}")
    for named in REPO_PATH.findall(prose):
        if not (root / named).exists():
            problems.append(f"{path.name}: `{named}` does not exist")
    return problems


@pytest.mark.parametrize("path", markdown_files(PROJECT_ROOT), ids=lambda p: p.name)
def test_no_link_anchor_or_file_reference_is_broken(path: Path) -> None:
    assert broken_links(PROJECT_ROOT, path) == []


def test_the_check_finds_what_is_broken(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "app").mkdir()
    (tmp_path / "docs" / "data.md").write_text("# The data\n\n## Periods, resolved\n")
    (tmp_path / "README.md").write_text(
        "# Front\n\n[ok](docs/data.md#periods-resolved) [ok](#front) [ok](https://example.org/x) `app/`\n"
        "[no file](docs/none.md) [no heading](docs/data.md#nothing) [no anchor](#back) `app/missing.py`\n"
    )
    assert broken_links(tmp_path, tmp_path / "README.md") == [
        "README.md: link to docs/none.md: no such file",
        "README.md: link to docs/data.md#nothing: no such heading in data.md",
        "README.md: link to #back: no such heading in README.md",
        "README.md: `app/missing.py` does not exist",
    ]
