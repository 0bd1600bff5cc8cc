from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        from jianding import events
        from notifications import portal, receivers

        portal.register()
        events.consultation_answered.connect(receivers.consultation_answered, dispatch_uid="notify_answered")
