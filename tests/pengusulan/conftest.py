"""Pengusulan tests build on the penilaian world (unit A1 designated, LKE open, budi its TPI)."""

from tests.penilaian.conftest import a_scope, lke  # noqa: F401  (fixtures shared with penilaian tests)
