"""WSGI entry point (gunicorn zi.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zi.settings.base")
application = get_wsgi_application()
