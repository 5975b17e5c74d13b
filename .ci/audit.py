"""`make audit`: fail if an installed dependency has a known vulnerability.

pip-audit asks PyPI's per-release API (/pypi/NAME/VERSION/json) for the known vulnerabilities of
each installed release. Where that API does not answer, as on this project's machines and CI,
whose package registry serves only the per-project API (/pypi/NAME/json), pip-audit cannot audit
anything. This then asks the per-project API, which lists the known vulnerabilities of a
project's newest release: each dependency installed at its newest release is audited, and any
other is named as not audited.
"""

import json
import subprocess
import sys
import urllib.error
import urllib.request
from importlib.metadata import distributions
from typing import Any

PYPI = "https://pypi.org/pypi"
PROJECT = "port-stats"  # this project itself, installed editable: not a dependency


def fetch(url: str) -> dict[str, Any]:
    with urllib.request.urlopen(url, timeout=60) as response:
        answer: dict[str, Any] = json.load(response)
        return answer


def per_release_api_answers(name: str, version: str) -> bool:
    try:
        fetch(f"{PYPI}/{name}/{version}/json")
    except urllib.error.HTTPError:
        return False
    return True


def known_vulnerabilities(version: str, project: dict[str, Any]) -> list[str] | None:
    """The ids of the known vulnerabilities of `version`, from the per-project API's answer;
    None where the answer does not tell, because `version` is not the newest release."""
    if project["info"]["version"] != version:
        return None
    return [v["id"] for v in project.get("vulnerabilities") or [] if not v.get("withdrawn")]


def main() -> int:
    installed = {d.metadata["Name"]: d.version for d in distributions() if d.metadata["Name"] != PROJECT}
    if per_release_api_answers("pip", installed["pip"]):
        # --strict: a dependency it cannot audit fails the audit instead of passing unchecked.
        return subprocess.call([sys.executable, "-m", "pip_audit", "--strict", "--skip-editable"])
    print("audit: PyPI's per-release API does not answer here, so pip-audit cannot audit; asking the per-project API")
    vulnerable, not_audited = {}, []
    for name, version in sorted(installed.items(), key=lambda item: item[0].lower()):
        ids = known_vulnerabilities(version, fetch(f"{PYPI}/{name}/json"))
        if ids is None:
            not_audited.append(f"{name} {version}")
        elif ids:
            vulnerable[f"{name} {version}"] = ids
    print(f"audit: {len(installed) - len(not_audited)} of {len(installed)} installed distributions audited")
    if not_audited:
        print(f"audit: not audited, not at their newest release: {', '.join(not_audited)}")
    for release, ids in vulnerable.items():
        print(f"audit: VULNERABLE {release}: {', '.join(ids)}")
    print("audit: known vulnerabilities found" if vulnerable else "audit: no known vulnerabilities")
    return 1 if vulnerable else 0


if __name__ == "__main__":
    sys.exit(main())
