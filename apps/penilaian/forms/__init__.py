"""Forms of the penilaian: ``worksheet`` (the unit's answers, evidence, areas and workbook upload)
and ``review`` (the TPI's answers, returns, set-up and recommendation)."""
