"""Settings of the drill workers: production's (``zi.settings.base``, from the environment the drill
sets), consuming and publishing on the test run's own queue."""

import os

from zi.settings.base import *  # noqa: F403

CELERY_TASK_DEFAULT_QUEUE = os.environ["ZI_DRILL_QUEUE"]
