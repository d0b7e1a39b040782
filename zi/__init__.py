"""ZI: Zona Integritas menuju WBK/WBBM, one deployment for every instansi."""

from zi.celery import app as celery_app

__all__ = ["celery_app"]
