from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "apps.accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from apps.accounts import security_log  # noqa: F401  (connects the authentication log receivers)
        from apps.accounts.principal import connect_signals

        connect_signals()
