# ZI production image: gunicorn (web), and the same image runs the Celery worker and beat.
# Build: docker compose build   ·   Run: docker compose up -d   (see README "Production").
FROM python:3.12-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=zi.settings.base \
    ZI_STATIC_MANIFEST=true \
    STATIC_ROOT=/app/staticfiles \
    MEDIA_ROOT=/data/media \
    ZI_VAR_DIR=/data/var \
    WEB_CONCURRENCY=2

# WeasyPrint renders PDFs with Pango/HarfBuzz (libharfbuzz-subset0 embeds font subsets; without it
# WeasyPrint warns and writes larger files). DejaVu is the one font the report templates name.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app

# Dependencies first: this layer is rebuilt only when the lock changes. Every transitive dependency is
# pinned and every downloaded file is checked against its sha256 (requirements.lock, `make lock`).
COPY requirements.lock ./
RUN pip install --require-hashes -r requirements.lock

# The code is owned by root and read-only for the app user; only /data (uploads) is writable.
COPY . .
RUN python manage.py collectstatic --noinput \
    && groupadd --system --gid 10001 zi \
    && useradd --system --uid 10001 --gid zi --home-dir /data --shell /usr/sbin/nologin zi \
    && mkdir -p /data/media /data/var \
    && chown -R zi:zi /data

USER zi
EXPOSE 8000

# /sehat/ answers 200 only when the database answers; see scripts/healthcheck.py for the headers.
HEALTHCHECK --interval=30s --timeout=6s --start-period=30s --retries=3 \
    CMD ["python", "scripts/healthcheck.py"]

# gunicorn reads WEB_CONCURRENCY (workers), FORWARDED_ALLOW_IPS and GUNICORN_CMD_ARGS itself.
CMD ["gunicorn", "zi.wsgi", "--bind", "0.0.0.0:8000", "--timeout", "60", \
     "--max-requests", "1000", "--max-requests-jitter", "100", "--access-logfile", "-", "--error-logfile", "-"]
