"""Writes of the unit kerja register (``units``), the pegawai roster (``roster``), the yearly cycle and
penetapan (``cycles``), and the imports of units and roster (``imports``, run in the background by
``import_jobs``); ``common`` holds the checks they share.

Every function here is keyword-only, runs in one transaction, checks the actor's capability (and,
for a unit-narrowed member, that the unit lies inside their subtree), validates before writing,
and records an audit event with the values before and after. Expected failures raise
``ValidationError`` (keyed by field, so forms show the message beside the field) or a
``DomainError``; in both cases nothing was saved.
"""
