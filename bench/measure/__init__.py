"""``bench/run.py``'s parts: the load generator and gunicorn (``load``), who looks at what
(``targets``), the pages, their queries and a worker's memory (``pages``), the jobs (``jobs``) and
bench/RESULTS.md (``report``); ``config`` holds the run's settings."""
