"""The national seeder's steps (``bench/seed_national.py`` runs them in order).

``config`` holds the counts and names, ``pg`` the COPY and constraint helpers, ``shape`` the shape of
the country (units per instansi, names, NIPs); each other module loads one topic's tables.
"""
