"""Pendampingan's writes, one module per sub-feature: ``konsultasi`` (questions to the TPI and
KemenPANRB, their answers and the reviewers' side) and ``asistensi`` (TPI assistance sessions and
their follow-up actions). Callers import the module they need:
``from apps.pendampingan.services import konsultasi``."""
