""".ci/audit.py: what the registry's per-project answer tells about an installed release."""

import importlib.util
from collections.abc import Callable
from typing import Any

import pytest

from app.settings import PROJECT_ROOT

# .ci/ is no package: load the script by its path.
_spec = importlib.util.spec_from_file_location("audit", PROJECT_ROOT / ".ci" / "audit.py")
assert _spec is not None and _spec.loader is not None
audit = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(audit)
known_vulnerabilities: Callable[[str, dict[str, Any]], list[str] | None] = audit.known_vulnerabilities

ECDSA = {  # the shape of https://pypi.org/pypi/ecdsa/json, shortened
    "info": {"version": "0.19.2"},
    "vulnerabilities": [
        {"id": "PYSEC-2026-1325", "withdrawn": None},
        {"id": "GHSA-wj6h-64fc-37mp", "withdrawn": None},
        {"id": "GHSA-0000-0000-0000", "withdrawn": "2026-01-01T00:00:00Z"},
    ],
}


@pytest.mark.parametrize(
    "version, project, found",
    [
        ("0.19.2", ECDSA, ["PYSEC-2026-1325", "GHSA-wj6h-64fc-37mp"]),  # withdrawn ones do not count
        ("0.19.1", ECDSA, None),  # not the newest: the answer does not tell
        ("1.0", {"info": {"version": "1.0"}, "vulnerabilities": []}, []),
        ("1.0", {"info": {"version": "1.0"}}, []),
    ],
)
def test_known_vulnerabilities(version: str, project: dict[str, Any], found: list[str] | None) -> None:
    assert known_vulnerabilities(version, project) == found
