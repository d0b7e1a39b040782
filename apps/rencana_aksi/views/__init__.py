"""Pages of the rencana aksi, one module per sub-feature: ``plans`` (the year's plans, one plan and
its workflow), ``kegiatan``, ``imports`` (the kegiatan import and its job page), ``realisasi`` and
``heatmap`` (with its export).

Thin shells: object pages resolve their id through ``access`` first (another instansi's → 404,
outside a narrowed member's unit → 404), then the capability (403). A service refusal is shown
beside the form (or as a message for the one-button actions) and nothing is saved.
"""
