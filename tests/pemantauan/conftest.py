"""Fixtures of the pemantauan tests: the TPN world (national tokens) for the API tests."""

from tests.penilaian.conftest import lke  # noqa: F401  (fixture re-exported)
from tests.portalrb.conftest import prb  # noqa: F401  (fixture re-exported)
from tests.tpn.conftest import tpn  # noqa: F401  (fixture re-exported)
