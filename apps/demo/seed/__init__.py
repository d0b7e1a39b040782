"""Demo data per topic, written through each app's services (``seed_demo`` runs them)."""
