"""What exams adds to the portal: its dashboard cards and menu entries, and its public side.

The public side is the open batches on the public home, each batch's public page,
and the publicity of results with its objection form. Registered in ``jianding.portal``
from ``ExamsConfig.ready()``.
"""

from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from exams import selectors as exams
from exams.abilities import is_chief_examiner
from exams.services import decisions_waiting, report_deadline
from exams.views import batches, results
from jianding import portal
from jianding.portal import Area, Card, NavItem, PublicBlock
from jianding.roles import (
    BATCH_VIEWER_ROLES,
    CATALOGUE_ROLES,
    MANAGEMENT_ROLES,
    PROCTORING_ROLES,
    Role,
    has_role,
)
from jianding.workdays import working_days_between

ORDER = 30


def _batch_step_card(step: str, label, hint="", *, one: str = ""):
    """A card that counts the batches waiting for ``step`` and opens the batch list filtered by it;
    or, when one batch waits and ``one`` names a batch page, that page."""

    def card(user) -> Card:
        batches = exams.batches_at_step(actor=user, step=step)
        count = batches.count()
        url = reverse(one, args=[batches.get().pk]) if one and count == 1 else _batches_at(step)
        return Card(label=label, count=count, url=url, hint=hint)

    return card


def _batches_at(step: str) -> str:
    return reverse("exams:list_batches") + f"?step={step}"


def _plans_to_approve(user) -> Card:
    """The plans waiting for the director; the one plan's page when one waits."""
    plans = exams.plans_waiting_for_director()
    count = plans.count()
    url = (
        reverse("exams:view_plan", args=[plans.get().pk])
        if count == 1
        else reverse("exams:list_plans") + "?status=submitted"
    )
    return Card(label=_("Annual plans to approve"), count=count, url=url)


_batches_to_approve_outside_plan = _batch_step_card(
    "approve_outside_plan", _("Batches outside the plan to approve")
)
_batches_to_approve_from_plan = _batch_step_card(
    "approve_from_plan", _("Batches and implementation schemes to approve")
)
_registrations_to_open = _batch_step_card("open_registration", _("Batches whose registration should open"))
_registrations_to_close = _batch_step_card(
    "close_registration",
    _("Batches whose registration should close"),
    hint=_("Their registration end date has passed."),
)
_batches_to_arrange = _batch_step_card(
    "arrange",
    _("Batches to arrange and publish"),
    hint=_("Registration is closed: arrange the sessions, seat the candidates and publish the tickets."),
)
_exams_today = _batch_step_card(
    "exams_today", _("Batches with exams today"), hint=_("Patrol their exam rooms.")
)
_objections_to_answer = _batch_step_card(
    "objections",
    _("Batches with objections to answer"),
    hint=_("Answer each on its batch's publicity page before the report."),
    one="exams:batch_publicity",
)


def _tallies_to_check(user) -> Card:
    """The sessions tallied by someone else: the one's check page, or the batches that hold them."""
    sessions = exams.tallies_to_check(actor=user)
    count = sessions.count()
    return Card(
        label=_("Tallies waiting for a second person's check"),
        count=count,
        url=reverse("exams:check_results", args=[sessions.get().pk])
        if count == 1
        else _batches_at("tallies"),
        hint=_("Someone else tallied them; check each candidate before the results count."),
    )


def _plan_lines_without_batch(user) -> Card:
    """Lines of the approved plans no batch was created from: the line itself when there is one,
    else its plan's lines without a batch (or the approved plans, when the lines span several)."""
    lines = exams.plan_lines_in_force().filter(batches__isnull=True)
    count = lines.count()
    plans = set(lines.values_list("plan_id", flat=True))
    if count == 1:
        url = reverse("exams:create_batch") + f"?line={lines.get().pk}"
    elif len(plans) == 1:
        url = reverse("exams:view_plan", args=[plans.pop()]) + "?without_batch=true"
    else:
        url = reverse("exams:list_plans") + "?status=approved"
    return Card(label=_("Approved plan lines to create a batch from"), count=count, url=url)


def _banks_to_approve(user) -> Card:
    return Card(
        label=_("Review-question banks to approve"),
        count=exams.banks_waiting_for_deputy().count(),
        url=reverse("exams:list_banks") + "?status=pending",
    )


def _plans_returned(user) -> Card:
    return Card(
        label=_("Plans returned by the director"),
        count=exams.plans_returned().count(),
        url=reverse("exams:list_plans") + "?status=returned",
    )


def _sheets_to_score(user) -> Card:
    return Card(
        label=_("Score sheets to finish"),
        count=exams.sheets_to_score(actor=user).count(),
        url=reverse("exams:my_scoring") + "?status=open",
        hint=_("Open sheets: score every item, then sign."),
    )


def _items_to_decide(user) -> Card | None:
    """The chief examiner's items beyond the spread, in the sessions he leads; none for other examiners.

    Opens the session's items when one session waits, else his sessions."""
    if not is_chief_examiner(user):
        return None
    waiting = decisions_waiting(actor=user)
    return Card(
        label=_("Items beyond the spread to decide"),
        count=sum(waiting.values()),
        url=reverse("exams:session_spreads", args=[next(iter(waiting))])
        if len(waiting) == 1
        else reverse("exams:my_examiner") + "#my-sessions",
        hint=_("The examiners' points differ too much: decide each item, with the reason, before the tally."),
    )


def _leave_requests(user) -> Card:
    return Card(
        label=_("Proctors' leave requests"),
        count=exams.leave_requests_pending().count(),
        url=reverse("exams:list_absences") + "?status=pending",
    )


def _duties_ahead(user) -> Card | None:
    count = exams.duties_ahead(actor=user).count()
    if not count and not has_role(user, Role.PROCTOR):
        return None  # an examiner or exam staff member named to no room
    return Card(label=_("Rooms I guard from today"), count=count, url=reverse("exams:my_duties"))


def _reports_due(user) -> Card:
    """Batches to report to the city center, with the nearest deadline in working days."""
    batches = list(exams.batches_at_step(actor=user, step="report").select_related("occupation"))
    card = Card(
        label=_("Batches to report to the city center"),
        count=len(batches),
        url=_batches_at("report"),
    )
    if not batches:
        return card
    today = timezone.localdate()
    nearest = min(batches, key=report_deadline)
    deadline = report_deadline(nearest)
    left = working_days_between(today, deadline)
    hint = (
        _("%(batch)s is overdue since %(day)s.")
        if left < 0
        else _("%(batch)s: report by %(day)s, %(left)d working days left.")
    )
    return Card(
        label=card.label,
        count=card.count,
        url=reverse("exams:batch_publicity", args=[nearest.pk]) if len(batches) == 1 else card.url,
        hint=hint % {"batch": nearest, "day": deadline, "left": left},
    )


def _open_batches() -> dict:
    return {"batches": exams.batch_public_list()}


def _publicity_now() -> dict:
    return {"batches": exams.batches_publicised(today=timezone.localdate())}


def register() -> None:
    portal.cards_add(
        Role.DIRECTOR, _plans_to_approve, _batches_to_approve_outside_plan, _reports_due, order=ORDER
    )
    portal.cards_add(Role.DEPUTY, _batches_to_approve_from_plan, _banks_to_approve, _exams_today, order=ORDER)
    portal.cards_add(
        Role.CLERK,
        _plans_returned,
        _plan_lines_without_batch,
        _registrations_to_open,
        _registrations_to_close,
        _batches_to_arrange,
        _reports_due,
        _objections_to_answer,
        _tallies_to_check,
        order=ORDER,
    )
    portal.cards_add(
        Role.EXAM_STAFF,
        _leave_requests,
        _batches_to_arrange,
        _reports_due,
        _objections_to_answer,
        _tallies_to_check,
        order=ORDER,
    )
    portal.cards_add(Role.EXAMINER, _sheets_to_score, _items_to_decide, order=ORDER)
    for role in PROCTORING_ROLES:
        portal.cards_add(role, _duties_ahead, order=ORDER)
    portal.menu_add(
        NavItem(_("Annual plans"), "exams:list_plans", MANAGEMENT_ROLES, Area.EXAMINATIONS),
        NavItem(_("Batches"), "exams:list_batches", BATCH_VIEWER_ROLES, Area.EXAMINATIONS),
        NavItem(_("Occupations"), "exams:list_occupations", CATALOGUE_ROLES, Area.EXAMINATIONS),
        NavItem(_("Exam rooms"), "exams:list_rooms", CATALOGUE_ROLES, Area.EXAMINATIONS),
        NavItem(_("My duties"), "exams:my_duties", PROCTORING_ROLES, Area.EXAMINATIONS),
        NavItem(
            _("Proctors' absences"),
            "exams:list_absences",
            (Role.EXAM_STAFF, Role.EXAMINER),
            Area.EXAMINATIONS,
        ),
        NavItem(_("Examiners"), "exams:list_examiners", CATALOGUE_ROLES, Area.EXAMINATIONS),
        NavItem(_("My qualification"), "exams:my_examiner", (Role.EXAMINER,), Area.EXAMINATIONS),
        NavItem(_("My score sheets"), "exams:my_scoring", (Role.EXAMINER,), Area.RESULTS),
        NavItem(_("Scoring standards"), "exams:list_standards", CATALOGUE_ROLES, Area.RESULTS),
        NavItem(
            _("Question banks"), "exams:list_banks", (*CATALOGUE_ROLES, Role.APPLICANT), Area.EXAMINATIONS
        ),
        NavItem(_("Statistics"), "exams:view_statistics", MANAGEMENT_ROLES, Area.EXAMINATIONS),
        NavItem(_("Results statistics"), "exams:result_statistics", CATALOGUE_ROLES, Area.RESULTS),
        order=ORDER,
    )
    portal.public_menu_add(NavItem(_("Publicity"), "public:publicity", (), Area.PUBLICITY), order=ORDER)
    portal.public_blocks_add(
        PublicBlock("exams/public_open_batches.html", _open_batches),
        PublicBlock("exams/public_publicity_now.html", _publicity_now),
        order=ORDER,
    )
    portal.public_urls_add(
        path("batches/<int:pk>/", batches.view_public_batch, name="view_batch"),
        path("publicity/", results.public_publicity, name="publicity"),
        path("publicity/<int:pk>/object/", results.object_to, name="object_to"),
        order=ORDER,
    )
