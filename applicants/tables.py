import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from applicants.models import Applicant, Application
from jianding.privacy import Where, id_number_shown, phone_shown


class ReviewTable(tables.Table):
    applicant = tables.LinkColumn(
        "applicants:view_application",
        args=[tables.A("pk")],
        accessor="applicant__name",
        verbose_name=_("name"),
    )
    id_number = tables.Column(accessor="applicant__id_number", verbose_name=_("resident ID number"))
    batch = tables.Column(verbose_name=_("appraisal batch"), order_by=("batch__theory_date",))
    document_count = tables.Column(verbose_name=_("documents"))

    class Meta:
        model = Application
        fields = ("applicant", "id_number", "category", "class_name", "batch", "status", "submitted_at")
        sequence = ("applicant", "id_number", "category", "class_name", "batch", "status", "document_count")
        attrs = {"class": "table table-hover align-middle"}
        # The rows are written out there, in this sequence, for speed (the benchmark main_pages).
        template_name = "applicants/includes/review_table.html"


class InvitationTable(tables.Table):
    id_number = tables.Column(verbose_name=_("resident ID number"))
    created_at = tables.DateTimeColumn(verbose_name=_("imported at"), format="Y-m-d H:i")
    reissue = tables.TemplateColumn(
        template_name="applicants/includes/reissue_button.html", verbose_name="", orderable=False
    )

    class Meta:
        model = Applicant
        fields = ("name", "id_number", "employer_or_class", "phone", "created_at")
        attrs = {"class": "table table-hover align-middle"}

    def render_phone(self, value):
        return phone_shown(value, None, Where.LIST)

    def render_id_number(self, value):
        return id_number_shown(value, None, Where.LIST)
