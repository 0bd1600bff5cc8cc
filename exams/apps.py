from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExamsConfig(AppConfig):
    name = "exams"
    verbose_name = _("Exams")

    def ready(self):
        from applicants import contributions as applicants
        from exams import contributions, selectors

        applicants.batches_open.fill(selectors.batch_public_list)
        applicants.batches_visible.fill(selectors.batch_list)
        applicants.tickets_published.fill(selectors.tickets_published)
        applicants.retake_basis.fill(selectors.retake_basis)
        applicants.application_page.add(contributions.application_results)
        applicants.my_applications_page.add(contributions.my_applications_batches)
        applicants.my_applications_prefetch.add(selectors.released_results)
        applicants.personal_data.add(contributions.personal_data_results)
        applicants.documents_held.add(contributions.documents_held)
