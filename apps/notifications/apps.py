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

        # The cached unread count is deleted whenever a notification changes (apps.notifications.unread).
        from django.db.models.signals import post_delete, post_save

        from apps.notifications.models import Notification
        from apps.notifications.unread import notification_changed

        post_save.connect(notification_changed, sender=Notification, dispatch_uid="zi-unread-save")
        post_delete.connect(notification_changed, sender=Notification, dispatch_uid="zi-unread-delete")
