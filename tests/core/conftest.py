"""Fixtures of the core tests: the LKE world (for the workflow tables, tests/core/test_workflows.py)."""

from tests.penilaian.conftest import lke  # noqa: F401  (fixture re-exported)
