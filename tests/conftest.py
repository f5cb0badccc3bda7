"""Shared test helpers: the real plan folder and copies of it to spoil."""

import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PLAN_DIR = ROOT / "data" / "pom-minex-2025-2029"
sys.path.insert(0, str(Path(__file__).resolve().parent))


@pytest.fixture
def plan_copy(tmp_path) -> Path:
    """A writable copy of the real plan folder."""
    target = tmp_path / "plan"
    shutil.copytree(PLAN_DIR, target)
    return target
