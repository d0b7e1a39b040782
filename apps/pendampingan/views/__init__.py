"""Pages of the pendampingan, one module per sub-feature: ``index``, ``diagnosis``, ``timkerja``,
``konsultasi`` (with the TPI inbox and the national view of questions to TPN) and ``asistensi``;
``common`` holds what they share. Thin shells: the id goes through ``access`` first (404 / 403),
then one form and one service call; a refusal is shown beside the form (or as a message for
one-button actions) and nothing is saved."""
