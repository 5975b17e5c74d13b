"""Every `curl` example in README.md and docs/*.md is run against the app serving the seeds, and
what the docs show must be what it answers: the status line and each header shown, and the body,
where `…` stands for text left out and a line break for where a long line was wrapped."""

import re
import shlex
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient

from app.settings import PROJECT_ROOT
from tests.test_doc_links import markdown_files

CONSOLE = re.compile(r"^[ \t]*```console\n(.*?)^[ \t]*```", re.M | re.S)


@dataclass(frozen=True)
class Example:
    file: str
    command: str
    shown: list[str]  # the lines of output the docs show

    @property
    def url(self) -> str:
        target = next(word for word in shlex.split(self.command) if "localhost:8000" in word)
        return target.split("localhost:8000", 1)[1]

    @property
    def with_headers(self) -> bool:
        return "-i" in shlex.split(self.command)


def examples() -> list[Example]:
    found = []
    for path in markdown_files(PROJECT_ROOT):
        for block in CONSOLE.findall(path.read_text(encoding="utf-8")):
            lines = [line.strip() for line in block.splitlines()]
            starts = [i for i, line in enumerate(lines) if line.startswith("$ curl ")]
            for i, end in zip(starts, [*starts[1:], len(lines)], strict=True):
                output = [line for line in lines[i + 1 : end] if line]
                found.append(Example(path.name, lines[i].removeprefix("$ "), output))
    return found


def pattern(shown: list[str]) -> re.Pattern[str]:
    """The body as shown, as a pattern: `…` is any text, and where a line was wrapped (or indented)
    any white space or none."""
    parts = [re.escape(line).replace("…", ".*?") for line in shown]
    return re.compile(r"\s*".join(parts), re.S)


@pytest.mark.parametrize("example", examples(), ids=lambda e: f"{e.file}: {e.command}")
def test_the_docs_show_what_the_api_answers(client: TestClient, example: Example) -> None:
    response = client.get(example.url)
    shown = example.shown
    if example.with_headers:
        status, *rest = shown
        assert status == f"HTTP/1.1 {response.status_code} {response.reason_phrase}"
        blank = rest.index(next(line for line in rest if line.startswith(("{", "[", "<"))))
        for header in rest[:blank]:
            if header != "…":
                name, _, value = header.partition(": ")
                assert response.headers.get(name) == value, header
        shown = rest[blank:]
    else:
        assert response.status_code == 200
    assert pattern(shown).fullmatch(response.text.strip()), (example.command, response.text)


def test_the_docs_have_examples() -> None:
    assert len(examples()) >= 5
