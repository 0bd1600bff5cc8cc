from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExamsConfig(AppConfig):
    name = "exams"
    verbose_name = _("Exams")

    def ready(self):
        from exams import contributions, portal
        from exams.receivers import receivers_connect

        portal.register()
        contributions.register()
        receivers_connect()
