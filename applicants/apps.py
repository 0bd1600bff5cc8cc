from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _returned_lapse(sender, *, batch, today, **kwargs):
    """Registration is over for good: the applications still returned for correction lapse."""
    from applicants.services import applications_lapse

    applications_lapse(today=today, batch=batch)


class ApplicantsConfig(AppConfig):
    name = "applicants"
    verbose_name = _("Applicants")

    def ready(self):
        from applicants import portal
        from jianding import events

        portal.register()
        events.registration_closed.connect(_returned_lapse, dispatch_uid="applicants_lapse_on_close")
        events.tickets_published.connect(_returned_lapse, dispatch_uid="applicants_lapse_on_tickets")
