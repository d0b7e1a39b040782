"""Page data (view models) of the penilaian, built in a constant number of queries and handed by a
view to its template: ``worksheet`` (one section of the unit's worksheet), ``detail`` (the unit's
list and detail page) and ``review`` (the TPI review and its summary)."""
