"""After scoring: the chief examiner's decisions, theory marks by code, publicity, the report, statistics."""

import datetime
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook
from pypdf import PdfReader

from exams import selectors, services
from exams.models import BatchStatus, ExamSession, ItemDecision, ScoringStandard, SessionPart, TheoryMark
from jianding.errors import RuleViolation
from jianding.roles import Role
from jianding.workdays import calendar_known, is_working_day, working_days_after, working_days_between
from tests.factories.accounts import TEST_PASSWORD, UserFactory
from tests.factories.scoring import check_tally, score_everything


def test_working_days_skip_weekends_and_public_holidays():
    # National Day 2026: 1–7 October off, Saturday 10 October worked instead.
    assert not is_working_day(datetime.date(2026, 10, 1))
    assert is_working_day(datetime.date(2026, 10, 10))
    assert working_days_after(datetime.date(2026, 9, 28), 4) == datetime.date(2026, 10, 9)
    assert working_days_between(datetime.date(2026, 9, 28), datetime.date(2026, 10, 9)) == 4
    assert working_days_between(datetime.date(2026, 10, 9), datetime.date(2026, 9, 28)) == -4
    # A year whose holidays are not published yet: weekends only, and the page says so.
    assert not calendar_known(datetime.date(2099, 1, 5))
    assert working_days_after(datetime.date(2099, 1, 2), 5) == datetime.date(2099, 1, 9)


# --- the chief examiner's rule ----------------------------------------------------


@pytest.fixture
def chief_rule(scoring):
    """The session's standard combines by the chief examiner's rule, with a spread of 5 points."""
    ScoringStandard.objects.update(combine_rule="chief", spread=Decimal(5))
    return scoring


def test_a_chief_rule_standard_needs_a_spread_and_a_subjective_item(published):
    staff, batch = published["staff"], published["batch"]
    common = {
        "actor": staff,
        "occupation": batch.occupation,
        "level": batch.level,
        "part": SessionPart.SKILL,
        "effective_from": batch.skill_date,
        "combine_rule": "chief",
    }
    objective = [{"title": "操作", "max_points": Decimal(100), "deductions": "", "is_subjective": False}]
    with pytest.raises(RuleViolation) as caught:
        services.standard_create(items=objective, **common)
    assert (caught.value.code, caught.value.field) == ("spread_required", "spread")
    with pytest.raises(RuleViolation) as caught:
        services.standard_create(items=objective, spread=Decimal(5), **common)
    assert caught.value.code == "no_subjective_items"


def test_items_beyond_the_spread_wait_for_the_chief_examiner(chief_rule, client_as):
    session, staff = chief_rule["session"], chief_rule["staff"]
    chief, other, _third = chief_rule["examiners"]
    # 工艺美观 (subjective, 30): 10, 14.5, 30 → spread 20 > 5 on every code.
    score_everything(chief_rule, [["10", "50", "10"], ["10", "50", "14.5"], ["10", "50", "30"]])
    spreads = services.spreads(session)
    assert len(spreads) == 19
    assert {str(item) for item in spreads[0].points} == {"10.0", "14.5", "30.0"}
    with pytest.raises(RuleViolation) as caught:
        services.results_tally(actor=staff, session=session)
    assert caught.value.code == "decisions_missing"
    assert "19" in caught.value.message

    first = spreads[0]
    decide = {"session": session, "code_id": first.code.pk, "item_id": first.item.pk}
    with pytest.raises(PermissionDenied):
        services.item_decide(actor=other.user, points=Decimal(20), reason="复议", **decide)
    with pytest.raises(RuleViolation) as caught:
        services.item_decide(actor=chief.user, points=Decimal(31), reason="复议", **decide)
    assert (caught.value.code, caught.value.field) == ("points_out_of_range", "points")
    with pytest.raises(RuleViolation) as caught:
        services.item_decide(actor=chief.user, points=Decimal(20), reason=" ", **decide)
    assert caught.value.field == "reason"
    objective = first.code.sheets.first().scores.get(item__order=1).item
    with pytest.raises(RuleViolation) as caught:
        services.item_decide(
            actor=chief.user,
            session=session,
            code_id=first.code.pk,
            item_id=objective.pk,
            points=Decimal(10),
            reason="x",
        )
    assert caught.value.code == "within_spread"

    # The chief examiner decides every item on his tablet page; the page shows codes, never names.
    http = client_as(chief.user)
    page = http.get(reverse("exams:session_spreads", args=[session.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert chief_rule["applications"][0].applicant.name not in html
    for spread in spreads:
        response = http.post(
            reverse("exams:session_spreads", args=[session.pk]),
            {
                "code": spread.code.pk,
                "item": spread.item.pk,
                "points": "0" if spread is first else "20",
                "reason": "按评分标准复核",
            },
        )
        assert response.status_code == 302
    decision = ItemDecision.objects.get(code=first.code)
    assert decision.points == 0
    assert decision.history.first().history_user == chief.user
    # A changed decision keeps the earlier one in its history.
    services.item_decide(actor=chief.user, points=Decimal(25), reason="再次复核", **decide)
    assert [h.points for h in ItemDecision.objects.get(code=first.code).history.order_by("history_date")] == [
        Decimal(0),
        Decimal(25),
    ]
    assert services.results_tally(actor=staff, session=session) == 20
    points = {result.application_id: result.points for result in session.results.all()}
    assert points[first.code.seat.application_id] == Decimal(85)  # 10 + 50 + 25
    other_code = spreads[1].code
    assert points[other_code.seat.application_id] == Decimal(80)  # 10 + 50 + 20
    with pytest.raises(RuleViolation) as caught:
        services.item_decide(actor=chief.user, points=Decimal(20), reason="迟了", **decide)
    assert caught.value.code == "tallied"


def test_the_chief_examiner_sees_a_codes_spread_only_after_signing_his_own_sheet_of_it(chief_rule, client_as):
    score_everything(chief_rule, [["10", "50", "10"], ["10", "50", "14.5"], ["10", "50", "30"]])
    session = chief_rule["session"]
    chief = chief_rule["examiners"][0]
    own = chief.sheets.first()
    services.sheet_reopen(actor=chief.user, sheet=own, reason="再核一遍")
    http = client_as(chief.user)
    page = http.get(reverse("exams:session_spreads", args=[session.pk]))
    codes = {spread.code.pk for spread in page.context["spreads"]}
    assert own.code_id not in codes
    assert len(codes) == 18
    assert page.context["held_back"] == 1
    item = own.scores.get(item__is_subjective=True).item_id
    with pytest.raises(RuleViolation) as caught:
        services.item_decide(
            actor=chief.user,
            session=session,
            code_id=own.code_id,
            item_id=item,
            points=Decimal(20),
            reason="x",
        )
    assert caught.value.code == "own_sheet_open"
    cards = {str(card.label): card.count for card in http.get(reverse("dashboard")).context["cards"]}
    assert cards["待裁定的超出分差项目"] == 18
    # Staff see every item all along.
    staff_page = client_as(chief_rule["staff"]).get(reverse("exams:session_spreads", args=[session.pk]))
    assert len(staff_page.context["spreads"]) == 19


def test_an_examiner_far_from_his_peers_is_flagged_for_the_chief_examiner(scoring, client_as):
    # The third examiner gives 30 points more than the two others on every candidate.
    score_everything(scoring, [["10", "40", "10"], ["10", "40", "10"], ["10", "60", "20"]])
    response = client_as(scoring["examiners"][0].user).get(
        reverse("exams:session_sheets", args=[scoring["session"].pk])
    )
    rows = {row.examiner: row for row in response.context["deviations"]}
    assert rows["考评2"].deviation == Decimal(30)
    assert rows["考评2"].flagged
    assert rows["考评0"].deviation == Decimal(-15)
    assert rows["考评0"].flagged
    assert response.content.decode().count('data-testid="flagged-examiner"') == 3


def test_an_examiner_within_the_limit_is_not_flagged(scoring, settings):
    settings.EXAMINER_OUTLIER_POINTS = 10
    score_everything(scoring, [["10", "50", "20"], ["10", "50", "20"], ["10", "50", "29"]])
    rows = {row.examiner: row for row in selectors.examiner_deviations(scoring["session"].sheets.all())}
    assert rows["考评2"].deviation == Decimal(9)
    assert not any(row.flagged for row in rows.values())


# --- theory marks imported by code ---------------------------------------------------


def _workbook(rows) -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    sheet.append(["考场", "座号", "准考证号", "考生代码", "分数"])
    for row in rows:
        sheet.append(row)
    out = BytesIO()
    book.save(out)
    return SimpleUploadedFile("marks.xlsx", out.getvalue())


@pytest.fixture
def marked(published):
    """The published theory session marked on paper: everyone came in but one, no examiner on tablets."""
    session = published["session"]
    for seat in session.seats.exclude(session_room__order=1, number=2):
        seat.checked_in_at = timezone.now()
        seat.save()
    return published


def test_theory_marks_are_imported_by_code_with_a_preview_of_every_bad_row(marked, client_as):
    session, staff = marked["session"], marked["staff"]
    http = client_as(staff)
    url = reverse("exams:theory_marks", args=[session.pk])
    with pytest.raises(RuleViolation) as caught:
        services.marks_import_check(actor=staff, session=session)
    assert caught.value.code == "no_codes"
    assert http.post(reverse("exams:give_codes", args=[session.pk])).status_code == 302
    assert session.codes.count() == 19
    sheet = load_workbook(BytesIO(http.get(reverse("exams:export_codes", args=[session.pk])).content)).active
    assert sheet.max_row == 20
    assert sheet["D1"].value == "考生代码"
    codes = [row[3].value for row in sheet.iter_rows(min_row=2)]

    bad = _workbook(
        [
            ["301", 1, "", codes[0], 88],
            ["301", 2, "", codes[0].lower(), 70],  # the same code again
            ["301", 3, "", "ZZZZZZ", 60],
            ["301", 4, "", codes[3], 101],
            ["301", 5, "", codes[4], "六十"],
            ["301", 6, "", codes[5], 59.3],
        ]
    )
    preview = http.post(url, {"file": bad})
    problems = dict(preview.context["report"].problems)
    assert set(problems) == {3, 4, 5, 6, 7}
    assert "第 2 行" in problems[3] or "row 2" in problems[3] or "2" in problems[3]
    assert "考生代码" in problems[4]
    assert "分数" in problems[5]
    assert "分数" in problems[6]
    assert "分数" in problems[7]
    assert TheoryMark.objects.count() == 0

    good = _workbook([["", "", "", code, 59.5 if n == 0 else 60 + n % 40] for n, code in enumerate(codes)])
    preview = http.post(url, {"file": good})
    assert preview.context["report"].ok
    assert preview.context["report"].new == 19
    assert TheoryMark.objects.count() == 0  # a preview saves nothing
    done = http.post(url, {"token": preview.context["token"], "confirm": "1"})
    assert done.status_code == 302
    assert TheoryMark.objects.count() == 19
    mark = TheoryMark.objects.get(code__code=codes[1])
    assert (mark.points, mark.imported_by) == (Decimal(61), staff)

    # Imported again with one change: the history keeps the earlier points.
    again = _workbook([["", "", "", codes[1], 75]])
    preview = http.post(url, {"file": again})
    http.post(url, {"token": preview.context["token"], "confirm": "1"})
    mark.refresh_from_db()
    assert mark.points == 75
    assert [h.points for h in mark.history.order_by("history_date")] == [Decimal(61), Decimal(75)]

    assert services.results_tally(actor=staff, session=session) == 20
    outcomes = {result.application_id: result for result in session.results.all()}
    first = TheoryMark.objects.get(code__code=codes[0]).code.seat.application_id
    assert (outcomes[first].points, outcomes[first].outcome) == (Decimal("59.5"), "failed")
    assert sum(result.outcome == "absent" for result in outcomes.values()) == 1
    session.refresh_from_db()
    with pytest.raises(RuleViolation) as caught:
        services.marks_import_check(actor=staff, session=session)
    assert caught.value.code == "tallied"


def test_a_theory_session_is_not_tallied_while_a_present_candidate_has_no_mark(marked):
    session, staff = marked["session"], marked["staff"]
    services.codes_give(actor=staff, session=session)
    code = session.codes.first()
    TheoryMark.objects.create(code=code, points=80, imported_by=staff)
    with pytest.raises(RuleViolation) as caught:
        services.results_tally(actor=staff, session=session)
    assert caught.value.code == "no_sheets"


# --- the second check of the tally (统分/复核) ----------------------------------------


def test_the_checker_types_paper_marks_again_blind_and_a_difference_stops_the_check(marked, client_as):
    session, staff = marked["session"], marked["staff"]
    services.codes_give(actor=staff, session=session)
    codes = list(session.codes.select_related("seat__application__applicant").order_by("code"))
    for index, code in enumerate(codes):
        TheoryMark.objects.create(code=code, points=Decimal("61.5") + index, imported_by=staff)
    services.results_tally(actor=staff, session=session)
    clerk = UserFactory(role=Role.CLERK)
    http = client_as(clerk)
    url = reverse("exams:check_results", args=[session.pk])
    page = http.get(url).content.decode()
    # The first entry stays hidden; absence shows from the check-ins.
    assert "61.5" not in page
    assert "缺考：无签到记录" in page
    absent = session.seats.get(session_room__order=1, number=2)
    assert absent.application.applicant.name in page

    entries = {f"second-{code.seat_id}": str(Decimal("61.5") + index) for index, code in enumerate(codes)}
    everyone = [str(seat) for seat in session.seats.values_list("pk", flat=True)]
    wrong = codes[4]
    refused = http.post(url, {**entries, f"second-{wrong.seat_id}": "56", "confirmed": everyone})
    assert refused.status_code == 200
    assert [error.code for error in refused.context["form"].non_field_errors().as_data()] == [
        "entries_differ"
    ]
    message = refused.content.decode()
    assert f"{wrong.seat.application.applicant.name}（理论考试）" in message
    session.refresh_from_db()
    assert session.checked_at is None

    unconfirmed = http.post(url, {**entries, "confirmed": everyone[1:]})
    assert unconfirmed.context["form"].has_error("confirmed", "unconfirmed")
    assert "请逐一确认每位考生" in unconfirmed.content.decode()
    assert http.post(url, {**entries, "confirmed": everyone}).status_code == 302
    session.refresh_from_db()
    assert session.checked_by == clerk


def test_the_check_page_keeps_its_queries_flat(marked, client_as, django_assert_num_queries):
    session, staff = marked["session"], marked["staff"]
    services.codes_give(actor=staff, session=session)
    for code in session.codes.all():
        TheoryMark.objects.create(code=code, points=Decimal(70), imported_by=staff)
    services.results_tally(actor=staff, session=session)
    http = client_as(UserFactory(role=Role.CLERK))
    url = reverse("exams:check_results", args=[session.pk])
    http.get(url)  # warm the session
    # The sign-in and roles, the bell's unread count [#18], the session, then the tally's reads
    # (spreads, scores, paper marks, breaches, seats with their candidates): none per candidate.
    with django_assert_num_queries(12):
        assert len(http.get(url).context["lines"]) == 20
    kept = session.seats.filter(code__isnull=False).order_by("pk").first()
    session.codes.exclude(seat=kept).delete()
    session.seats.exclude(pk=kept.pk).delete()
    with django_assert_num_queries(12):
        assert len(http.get(url).context["lines"]) == 1


def test_the_check_page_shows_how_each_item_was_combined_and_the_breaches(chief_rule, client_as):
    session, staff = chief_rule["session"], chief_rule["staff"]
    chief = chief_rule["examiners"][0]
    cheat = session.seats.get(session_room__order=1, number=3)
    services.incident_record(
        actor=cheat.session_room.proctors.first(),
        session_room=cheat.session_room,
        seat_number=3,
        kind="discipline",
        description="夹带纸条",
    )
    score_everything(chief_rule, [["10", "50", "10"], ["10", "50", "14.5"], ["10", "50", "30"]])
    for found in services.spreads(session):
        services.item_decide(
            actor=chief.user,
            session=session,
            code_id=found.code.pk,
            item_id=found.item.pk,
            points=Decimal(15),
            reason="按标准第 3 条",
        )
    services.results_tally(actor=staff, session=session)
    page = (
        client_as(UserFactory(role=Role.EXAM_STAFF))
        .get(reverse("exams:check_results", args=[session.pk]))
        .content.decode()
    )
    assert "10.0、10.0、10.0" in page
    assert "考评员平均" in page
    assert "10.0、14.5、30.0" in page
    assert "考评组长裁定" in page
    assert "考场记录违纪：夹带纸条" in page
    assert "75.0 · 通过" in page
    # Who tallied cannot check his own tally: the page says so and takes no entry.
    own = client_as(staff).get(reverse("exams:check_results", args=[session.pk])).content.decode()
    assert "复核须由统分人以外的人进行" in own


def test_a_tally_waiting_for_its_check_shows_on_the_dashboards_of_the_others(registered, client_as):
    session, staff, clerk = registered["session"], registered["staff"], registered["clerk"]
    assert list(selectors.tallies_to_check(actor=clerk)) == [session]
    assert list(selectors.tallies_to_check(actor=staff)) == []
    cards = {card.label: card for card in client_as(clerk).get(reverse("dashboard")).context["cards"]}
    card = cards["待复核的统分"]
    assert card.count == 1
    assert card.url == reverse("exams:check_results", args=[session.pk])
    check_tally(actor=clerk, session=session)
    assert list(selectors.tallies_to_check(actor=clerk)) == []


# --- publicity, objections, the report, release -------------------------------------


@pytest.fixture
def registered(scoring):
    """The batch's only session scored, tallied and checked: the register exists."""
    session = scoring["session"]
    score_everything(scoring, [["10", "50", "0"], ["5", "40", "14.5"], ["10", "60", "30"]])
    services.results_tally(actor=scoring["staff"], session=session)
    batch = scoring["batch"]
    batch.status = BatchStatus.SCORING
    batch.save()
    return {**scoring, "clerk": UserFactory(username="wenyuan", role=Role.CLERK)}


def test_publicity_runs_five_working_days_and_takes_objections(registered, client, client_as):
    batch, staff, clerk = registered["batch"], registered["staff"], registered["clerk"]
    with pytest.raises(RuleViolation) as caught:
        services.publicity_start(actor=staff, batch=batch)
    assert caught.value.code == "register_not_ready"
    check_tally(actor=clerk, session=registered["session"])
    monday = datetime.date(2026, 9, 28)
    batch = services.publicity_start(actor=staff, batch=batch, today=monday)
    assert (batch.publicity_starts, batch.publicity_ends) == (monday, datetime.date(2026, 10, 9))
    with pytest.raises(RuleViolation):
        services.publicity_start(actor=staff, batch=batch, today=monday)

    common = {"batch": batch, "raised_by": "赵六", "contact": "13900000000", "ip_address": "10.0.0.9"}
    with pytest.raises(RuleViolation) as caught:
        services.objection_raise(text="考生某某未到场", today=datetime.date(2026, 10, 12), **common)
    assert caught.value.code == "not_publicised"
    for number in range(services.publication.OBJECTIONS_PER_DAY):
        services.objection_raise(text=f"第{number}条异议", today=monday, **common)
    with pytest.raises(RuleViolation) as caught:
        services.objection_raise(text="再一条", today=monday, **common)
    assert (caught.value.code, caught.value.field) == ("too_many_objections", "text")
    assert batch.objections.count() == 5

    objection = batch.objections.first()
    services.objection_answer(
        actor=staff, objection=objection, answer="经核实，该考生按时参加考试。", seen_answer=""
    )
    with pytest.raises(RuleViolation) as caught:
        services.objection_answer(actor=clerk, objection=objection, answer="另一答复", seen_answer="")
    assert caught.value.code == "answered_meanwhile"
    assert objection.history.first().history_user == staff


def test_the_public_page_lists_those_qualified_with_masked_numbers_and_takes_an_objection(registered, client):
    batch = registered["batch"]
    check_tally(actor=registered["clerk"], session=registered["session"])
    services.publicity_start(actor=registered["staff"], batch=batch)
    page = client.get(reverse("public:publicity"))
    html = page.content.decode()
    qualified = selectors.qualified_rows(batch=batch)
    assert len(qualified) == 19
    person = qualified[0].application.applicant
    assert person.name in html
    assert person.id_number not in html
    assert person.id_number[:6] + "********" + person.id_number[-4:] in html
    response = client.post(
        reverse("public:object_to", args=[batch.pk]), {"raised_by": "赵六", "contact": "", "text": "短"}
    )
    assert "contact" in response.context["form"].errors
    assert "text" in response.context["form"].errors
    response = client.post(
        reverse("public:object_to", args=[batch.pk]),
        {"raised_by": "赵六", "contact": "13900000000", "text": "名单中有人未参加技能考核。"},
    )
    assert response.status_code == 302
    assert batch.objections.get().ip_address == "127.0.0.1"


def test_the_report_waits_for_the_publicity_and_the_answers_then_releases_results(registered, client_as):
    batch, staff, clerk = registered["batch"], registered["staff"], registered["clerk"]
    check_tally(actor=clerk, session=registered["session"])
    monday = datetime.date(2026, 9, 28)
    report = {"actor": clerk, "batch": batch, "report_number": "鉴报〔2026〕12号"}
    with pytest.raises(RuleViolation) as caught:
        services.batch_report(reported_on=monday, today=monday, **report)
    assert caught.value.code == "not_publicised"
    batch = services.publicity_start(actor=staff, batch=batch, today=monday)
    objection = services.objection_raise(
        batch=batch,
        raised_by="赵六",
        contact="139",
        text="异议内容足够长",
        ip_address="10.0.0.1",
        today=monday,
    )
    with pytest.raises(RuleViolation) as caught:
        services.batch_report(reported_on=monday, today=datetime.date(2026, 10, 9), **report)
    assert caught.value.code == "publicity_running"
    after = datetime.date(2026, 10, 12)
    with pytest.raises(RuleViolation) as caught:
        services.batch_report(reported_on=after, today=after, **report)
    assert caught.value.code == "objections_open"
    services.objection_answer(actor=staff, objection=objection, answer="已核实", seen_answer="")
    with pytest.raises(RuleViolation) as caught:
        services.batch_report(reported_on=datetime.date(2026, 10, 9), today=after, **report)
    assert (caught.value.code, caught.value.field) == ("report_date", "reported_on")
    with pytest.raises(RuleViolation) as caught:
        services.batch_report(**{**report, "report_number": " "}, reported_on=after, today=after)
    assert caught.value.field == "report_number"
    with pytest.raises(PermissionDenied):
        services.batch_report(**{**report, "actor": staff}, reported_on=after, today=after)

    applicant = registered["applications"][0].applicant.user
    http = client_as(applicant)
    mine = http.get(reverse("applicants:my_applications"))
    assert 'data-testid="results"' not in mine.content.decode()

    batch = services.batch_report(reported_on=after, today=after, **report)
    assert batch.status == BatchStatus.REPORTED
    assert batch.history.first().history_change_reason == "已报备市鉴定中心"
    mine = http.get(reverse("applicants:my_applications")).content.decode()
    assert 'data-testid="results"' in mine
    assert "理论考试：73.2 通过" in mine
    page = http.get(reverse("applicants:view_application", args=[registered["applications"][0].pk]))
    assert list(page.context["results"])


def test_the_register_of_those_qualified_prints_and_exports(registered, client_as):
    batch = registered["batch"]
    http = client_as(registered["clerk"])
    assert http.get(reverse("exams:print_qualified", args=[batch.pk])).status_code == 404
    check_tally(actor=registered["clerk"], session=registered["session"])
    pdf = PdfReader(BytesIO(http.get(reverse("exams:print_qualified", args=[batch.pk])).content))
    text = "".join("".join(page.extract_text().split()) for page in pdf.pages)
    assert "报名与合格人员登记表" in text
    qualified = selectors.qualified_rows(batch=batch)
    assert qualified[0].application.applicant.name in text
    absent = registered["session"].seats.get(session_room__order=1, number=2).application.applicant
    assert absent.name not in text
    sheet = load_workbook(
        BytesIO(http.get(reverse("exams:export_qualified", args=[batch.pk])).content)
    ).active
    assert sheet.max_row == 20
    assert sheet["B1"].value == "姓名"


def test_the_deadline_shows_on_the_dashboards_in_working_days(registered, client_as):
    batch = registered["batch"]
    deadline = services.report_deadline(batch)
    assert deadline == working_days_after(batch.last_exam_date, 10)
    cards = client_as(registered["clerk"]).get(reverse("dashboard")).context["cards"]
    card = next(card for card in cards if card.label == "待报备市鉴定中心的批次")
    assert card.count == 1
    assert deadline.isoformat() in str(card.hint)
    assert card.url == reverse("exams:batch_publicity", args=[batch.pk])


def test_statistics_count_pass_rates_by_group_and_examiners(registered, client_as):
    check_tally(actor=registered["clerk"], session=registered["session"])
    year = registered["session"].date.year
    statistics = selectors.result_statistics(year=year)
    assert [(row.candidates, row.qualified) for row in statistics.by_occupation] == [(20, 19)]
    assert statistics.by_occupation[0].rate == 95.0
    absent = registered["session"].seats.get(session_room__order=1, number=2).application
    classes = {"23 机电 1 班": [12, 12], "23 机电 2 班": [8, 8]}
    classes[absent.class_name][1] -= 1
    assert {row.label: [row.candidates, row.qualified] for row in statistics.by_class} == classes
    assert sum(statistics.distribution["理论考试"]) == 19
    assert statistics.distribution["理论考试"][7] == 19  # 73.2 for each who came in
    # Sheet totals 60, 59.5 and 100 on every candidate: the pass mark edge, per examiner.
    rates = {row.examiner: (row.sheets, row.passed, row.rate) for row in statistics.examiners}
    assert rates == {"考评0": (19, 19, 100.0), "考评1": (19, 0, 0.0), "考评2": (19, 19, 100.0)}
    http = client_as(registered["clerk"])
    page = http.get(reverse("exams:result_statistics"), {"year": year})
    assert page.status_code == 200
    assert 'data-chart="rate-occupation"' in page.content.decode()
    sheet = load_workbook(
        BytesIO(http.get(reverse("exams:export_result_statistics"), {"year": year}).content)
    ).active
    assert [cell.value for cell in sheet[2]][:5] == [
        "职业与等级",
        statistics.by_occupation[0].label,
        20,
        19,
        95,
    ]
    assert selectors.result_statistics(year=year - 1).by_occupation == []


def test_examiners_still_see_no_names_on_the_pages_added_for_results(chief_rule, client_as):
    score_everything(chief_rule, [["10", "50", "10"], ["10", "50", "14.5"], ["10", "50", "30"]])
    session = ExamSession.objects.get(pk=chief_rule["session"].pk)
    html = client_as(chief_rule["examiners"][1].user).get(reverse("exams:session_sheets", args=[session.pk]))
    assert html.status_code == 403
    chief_page = client_as(chief_rule["examiners"][0].user).get(
        reverse("exams:session_spreads", args=[session.pk])
    )
    text = chief_page.content.decode()
    for application in chief_rule["applications"]:
        assert application.applicant.name not in text
        assert application.applicant.id_number not in text


def test_publicity_pages_keep_their_queries_flat(registered, client, client_as, django_assert_num_queries):
    batch = registered["batch"]
    check_tally(actor=registered["clerk"], session=registered["session"])
    batch = services.publicity_start(actor=registered["staff"], batch=batch)
    http = client_as(registered["clerk"])
    url = reverse("exams:batch_publicity", args=[batch.pk])
    for total in (1, 20):
        while (count := batch.objections.count()) < total:
            services.objection_raise(
                batch=batch,
                raised_by="赵六",
                contact="139",
                text="异议内容足够长",
                ip_address=f"10.0.0.{count}",
            )
        # 8 as before, the unanswered objections the report still waits for, and the bell's
        # unread count on every page [#18].
        with django_assert_num_queries(10):
            assert http.get(url).status_code == 200
    # The batches, then per batch its sessions, the outcomes and the three fields of those qualified.
    with django_assert_num_queries(4):
        assert client.get(reverse("public:publicity")).status_code == 200


def test_a_decision_no_longer_beyond_the_spread_does_not_count(chief_rule):
    session, staff = chief_rule["session"], chief_rule["staff"]
    chief, _other, third = chief_rule["examiners"]
    score_everything(chief_rule, [["10", "50", "10"], ["10", "50", "10"], ["10", "50", "30"]])
    first = services.spreads(session)[0]
    services.item_decide(
        actor=chief.user,
        session=session,
        code_id=first.code.pk,
        item_id=first.item.pk,
        points=Decimal(5),
        reason="复核",
    )
    # The third examiner's sheet is reopened and corrected: the examiners agree now.
    sheet = third.sheets.get(code=first.code)
    services.sheet_reopen(actor=chief.user, sheet=sheet, reason="分数记错")
    services.item_score_save(actor=third.user, sheet=sheet, item_id=first.item.pk, points=Decimal(12))
    services.sheet_sign(actor=third.user, sheet=sheet, password=TEST_PASSWORD)
    for found in services.spreads(session):
        services.item_decide(
            actor=chief.user,
            session=session,
            code_id=found.code.pk,
            item_id=found.item.pk,
            points=Decimal(20),
            reason="复核",
        )
    services.results_tally(actor=staff, session=session)
    result = session.results.get(application_id=first.code.seat.application_id)
    assert result.points == Decimal("70.7")  # 10 + 50 + mean(10, 10, 12), not the stale 5


def test_a_publicity_started_on_a_saturday_still_runs_five_working_days(registered):
    check_tally(actor=registered["clerk"], session=registered["session"])
    saturday = datetime.date(2026, 9, 26)
    assert not is_working_day(saturday)
    batch = services.publicity_start(actor=registered["staff"], batch=registered["batch"], today=saturday)
    assert working_days_between(saturday, batch.publicity_ends) == 5


def test_a_session_nobody_checked_into_yet_is_not_tallied_as_all_absent(published):
    session = published["session"]
    session.date = timezone.localdate()
    session.save(update_fields=["date"])
    with pytest.raises(RuleViolation) as caught:
        services.results_tally(actor=published["staff"], session=session)
    assert caught.value.code == "session_ahead"


def test_a_session_is_marked_either_on_the_tablets_or_on_paper_never_both(scoring):
    """Paper marks imported beside signed sheets would silently replace them (and the chief's decisions)."""
    staff, session = scoring["staff"], scoring["session"]
    for attempt in (services.codes_give, services.marks_import_check):
        with pytest.raises(RuleViolation) as caught:
            attempt(actor=staff, session=session)
        assert caught.value.code == "scored_on_tablets"
    session.sheets.all().delete()
    services.codes_give(actor=staff, session=session)
    TheoryMark.objects.create(code=session.codes.first(), points=80, imported_by=staff)
    with pytest.raises(RuleViolation) as caught:
        services.scoring_open(actor=staff, session=session)
    assert caught.value.code == "marked_on_paper"
    assert "不再同时在平板上评分" in caught.value.message
