"""Where the tests find the project, the real plan and the fictional fixtures."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PLAN_DIR = ROOT / "data" / "pom-minex-2025-2029"
FIXTURES = ROOT / "tests" / "fixtures"
FICTIONAL_PLAN_DIR = FIXTURES / "plan-ficticio-2026-2030"
EXECUTION_CSV = FIXTURES / "ejecucion-ficticia-2025.csv"

# The site address the published-book tests give the edition, so the PDF's links are absolute.
TEST_SITE = "https://libro.example.org/"
