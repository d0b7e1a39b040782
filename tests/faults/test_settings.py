"""The redelivery bound is set and kept together with the task time limit (issue 19 item 1)."""

from __future__ import annotations

from django.conf import settings
from django.test import override_settings

from tests.ops.helpers import production_env, run_manage
from zi.celery import app
from zi.checks import check_redelivery_bound


def test_the_visibility_timeout_is_minutes_and_outlasts_the_time_limit() -> None:
    options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
    assert settings.CELERY_TASK_TIME_LIMIT < options["visibility_timeout"] <= 10 * 60  # not Redis's hour
    assert settings.CELERY_TASK_SOFT_TIME_LIMIT < settings.CELERY_TASK_TIME_LIMIT
    assert app.conf.broker_transport_options["visibility_timeout"] == options["visibility_timeout"]
    assert check_redelivery_bound() == []


def test_a_task_allowed_to_outlive_the_visibility_timeout_is_an_error() -> None:
    with override_settings(CELERY_BROKER_TRANSPORT_OPTIONS={"visibility_timeout": settings.CELERY_TASK_TIME_LIMIT}):
        errors = check_redelivery_bound()
    assert errors
    assert {error.id for error in errors} == {"zi.E010"}
    assert any("notification_send_email" in error.msg for error in errors)
    task = app.tasks["apps.notifications.tasks.notification_send_email"]
    task.time_limit = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    try:
        [error] = check_redelivery_bound()
    finally:
        task.time_limit = None
    assert "notification_send_email" in error.msg


def test_the_time_limit_variable_moves_both(tmp_path) -> None:
    env = {**production_env(tmp_path), "ZI_TASK_TIME_LIMIT": "100"}
    result = run_manage(
        "shell", "-c", "from django.conf import settings as s; "
        "print(s.CELERY_TASK_TIME_LIMIT, s.CELERY_BROKER_TRANSPORT_OPTIONS['visibility_timeout'])",
        env=env,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1].split() == ["100", "120"]
