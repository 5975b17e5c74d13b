"""make lint-openapi: the schema the app serves, linted by Redocly's recommended ruleset and by
Spectral's spectral:oas (.ci/redocly.yaml, .ci/spectral.yaml). Any error or warning fails.

Both run through npx at pinned versions; only the npm registry is needed. Each linter's JSON
report is read, rather than its exit code, because Redocly exits 0 on warnings."""

import json
import subprocess
import sys
import tempfile
from pathlib import Path

from app.main import create_app
from app.settings import Settings

REDOCLY = "@redocly/cli@2.77.0"
SPECTRAL = "@stoplight/spectral-cli@6.16.3"
CI = Path(__file__).resolve().parent
SPECTRAL_SEVERITIES = ["error", "warning", "info", "hint"]


def npx(package: str, *arguments: str | Path) -> str:
    result = subprocess.run(["npx", "--yes", package, *map(str, arguments)], capture_output=True, text=True)
    if not result.stdout.strip():  # no report at all: the linter itself failed
        sys.exit(f"{package} gave no report (exit {result.returncode}):\n{result.stderr}")
    return result.stdout


def redocly(schema: Path) -> list[str]:
    report = json.loads(npx(REDOCLY, "lint", "--config", CI / "redocly.yaml", "--format", "json", schema))
    return [
        f"redocly {p['severity']} {p['ruleId']}: {p['message']} at {p['location'][0]['pointer']}"
        for p in report["problems"]
        if p["severity"] in ("error", "warn")
    ]


def spectral(schema: Path) -> list[str]:
    report = json.loads(npx(SPECTRAL, "lint", "--quiet", "--ruleset", CI / "spectral.yaml", "--format", "json", schema))
    return [
        f"spectral {SPECTRAL_SEVERITIES[p['severity']]} {p['code']}: {p['message']} at /{'/'.join(map(str, p['path']))}"
        for p in report
        if p["severity"] <= 1  # errors and warnings
    ]


def main() -> None:
    with tempfile.TemporaryDirectory() as directory:
        schema = Path(directory) / "openapi.json"
        schema.write_text(json.dumps(create_app(Settings()).openapi()))
        problems = redocly(schema) + spectral(schema)
    for problem in problems:
        print(problem)
    if problems:
        sys.exit(f"{len(problems)} problems in the OpenAPI schema")
    print(f"OpenAPI schema: no error and no warning from {REDOCLY} (recommended) or {SPECTRAL} (spectral:oas)")


if __name__ == "__main__":
    main()
