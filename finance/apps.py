from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FinanceConfig(AppConfig):
    name = "finance"
    verbose_name = _("Finance")

    def ready(self):
        from applicants import contributions as applicants
        from finance import contributions

        applicants.application_page.add(contributions.application_fee)
