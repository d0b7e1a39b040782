"""Writes of the penilaian (DESIGN §6, LKE issue), by topic: ``setup`` (opening the year's penilaian,
the TPI tiers and assignments), ``answers`` (every tier's answers, and the rule of who may change
an item now), ``worksheet`` (the pokja area assignments and the evidence on an answer),
``workbook`` (applying an imported workbook) and ``review`` (submission, returns, sending back,
handing over, closing and the recommendation); ``common`` holds the checks they share.

Every write is a service: it checks the capability, the status and the year's date window, takes a
row lock, writes, and records an audit event. The unit and each TPI tier keep their own answers.

Workflow steps notify the people who must act next (in the app and by email), each with an
idempotency key per event, so a retried request never notifies twice:

* submit / resubmit → the reviewers assigned at the current tier;
* send back → the unit's tim kerja and pimpinan unit (Cap.PENILAIAN_FILL over the unit);
* hand-over to the next tier → that tier's reviewers;
* review closed, recommendation recorded → the unit and the admin ZI (Cap.PENILAIAN_MANAGE).
"""
