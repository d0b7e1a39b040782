from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from apps.core.hooks import register_page_context


class NotificationsConfig(AppConfig):
    name = "apps.notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        # The unread count of every signed-in page (core's context processor, apps.core.hooks); imported
        # here, as it reads the models.
        from apps.notifications.context import unread_count_context

        register_page_context(unread_count_context)
