"""Property tests (hypothesis) over the parameter space and over forged model files.

Each runs `hostile_child.py` in a child process, so that a crash (a segfault in the kernel)
fails the test with the case that caused it instead of killing pytest. The examples are
derandomized, so every run checks the same cases.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # hypothesis runs in child interpreters

CHILD = Path(__file__).with_name("hostile_child.py")


def run_properties(*args: str) -> str:
    child = subprocess.run(
        [sys.executable, str(CHILD), *map(str, args)], capture_output=True, text=True, timeout=300
    )
    last_cases = "\n".join(child.stdout.splitlines()[-3:])
    assert child.returncode == 0, (
        f"exit status {child.returncode}; last cases run:\n{last_cases}\n{child.stderr[-3000:]}"
    )
    return child.stdout.splitlines()[-1]


def test_every_parameter_combination_is_refused_by_name_or_trains_an_epoch():
    summary = run_properties("params", 120)
    assert summary.startswith("outcomes")
    assert '"trained"' in summary and '"refused"' in summary  # both sides were exercised


def test_every_forged_but_checksummed_model_is_refused_or_trains(tmp_path):
    summary = run_properties("files", 150, tmp_path)
    assert '"trained"' in summary and '"refused"' in summary
