"""Rencana aksi writes: the plan and its kegiatan, approval and revisions, realisasi and their
verification, evidence, the monitoring frequency, and the XLSX import.

Every service is keyword-only, runs in one transaction, locks the plan row it changes, refuses
(``ValidationError`` / ``DomainError``) before writing anything, and records an audit event. The
workflows are drawn in ``workflows.py``.

A change to an approved plan (a kegiatan added, changed or deleted, or an import) needs a reason:
it opens revision n+1 (status back to draft, a ``RencanaAksiRevisi`` row holding the reason and
the kegiatan as approved) and the pimpinan unit approves it again. Monitoring goes on meanwhile.

By topic: ``plans`` (the plan, its workflow and lead, the monitoring frequency), ``kegiatan`` (the
kegiatan and their rules, evidence to the LKE), ``imports`` (the sheet import as a job),
``realisasi`` (reports per period and their verification); ``base`` holds what they share.
Import from the module (``from apps.rencana_aksi.services.plans import rencana_aksi_submit``).
"""
