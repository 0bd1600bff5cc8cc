from decimal import Decimal
from io import BytesIO

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from exams import services
from exams.forms import ItemScoreForm
from exams.models import ScoreSheet, SessionPart, SheetStatus
from exams.services.results import outcome_for
from jianding.errors import RuleViolation
from jianding.portal import menu_entries
from jianding.roles import Role
from tests.factories.accounts import TEST_PASSWORD, UserFactory, second_factor_code
from tests.factories.scoring import ITEMS, check_tally, score_everything


def test_a_standard_adds_up_to_100_and_new_ones_are_versions(published):
    staff, batch = published["staff"], published["batch"]
    common = {
        "occupation": batch.occupation,
        "level": batch.level,
        "part": SessionPart.SKILL,
        "effective_from": batch.skill_date,
        "combine_rule": "mean",
    }
    with pytest.raises(RuleViolation) as caught:
        services.standard_create(actor=staff, items=ITEMS[:2], **common)
    assert (caught.value.code, caught.value.field) == ("not_100", "items")
    first = services.standard_create(actor=staff, items=ITEMS, **common)
    second = services.standard_create(actor=staff, items=ITEMS, **common)
    assert (first.version, second.version) == (1, 2)


def test_codes_are_random_unique_and_unrelated_to_tickets(scoring):
    session = scoring["session"]
    codes = list(session.codes.select_related("seat__application__ticket"))
    assert len(codes) == 19
    assert len({code.code for code in codes}) == 19
    absent = session.seats.get(session_room__order=1, number=2)
    assert not session.codes.filter(seat=absent).exists()
    for code in codes:
        assert code.code not in code.seat.application.ticket.number
        assert len(code.code) == 6


def test_scores_save_as_typed_sign_lock_and_reopen_with_history(scoring, client_as):
    first = scoring["examiners"][1]
    http = client_as(first.user)
    sheet = ScoreSheet.objects.filter(examiner=first).select_related("code").first()
    item_ids = list(sheet.scores.order_by("item__order").values_list("item_id", flat=True))
    url = lambda item: reverse("exams:save_item_score", args=[sheet.pk, item])  # noqa: E731
    saved = http.post(url(item_ids[0]), {"points": "8"}, headers={"HX-Request": "true"}).content.decode()
    assert "已保存" in saved
    assert "总分 8.0" in saved
    refused = http.post(url(item_ids[1]), {"points": "61"}).content.decode()
    assert "请给 0～60.0 分。" in refused
    assert "请输入数字，如 8 或 7.5。" in http.post(url(item_ids[1]), {"points": "abc"}).content.decode()
    assert "评分以 0.5 分为单位。" in http.post(url(item_ids[1]), {"points": "7.3"}).content.decode()
    assert (
        http.post(reverse("exams:save_item_score", args=[sheet.pk, 999999]), {"points": "1"}).status_code
        == 404
    )
    http.post(url(item_ids[1]), {"points": "55,5"})
    signing = http.post(
        reverse("exams:sign_sheet", args=[sheet.pk]), {"password": TEST_PASSWORD}, follow=True
    )
    assert "工艺美观" in signing.content.decode()
    sheet.refresh_from_db()
    assert sheet.status == SheetStatus.OPEN
    http.post(url(item_ids[2]), {"points": "27"})
    http.post(reverse("exams:sign_sheet", args=[sheet.pk]), {"password": TEST_PASSWORD})
    sheet.refresh_from_db()
    assert sheet.status == SheetStatus.SIGNED
    assert services.sheet_total(sheet) == Decimal("90.5")
    with pytest.raises(RuleViolation) as caught:
        services.item_score_save(actor=first.user, sheet=sheet, item_id=item_ids[0], points=Decimal(9))
    assert caught.value.code == "sheet_signed"
    with pytest.raises(PermissionDenied):
        services.sheet_reopen(actor=scoring["examiners"][2].user, sheet=sheet, reason="核分")
    chief_profile = scoring["examiners"][0]
    chief = client_as(chief_profile.user)
    sign_own_sheet(chief_profile, sheet.code)
    chief.post(reverse("exams:reopen_sheet", args=[sheet.pk]), {"reason": "第 2 项计分有误"})
    sheet.refresh_from_db()
    assert sheet.status == SheetStatus.OPEN
    assert sheet.history.latest().history_change_reason == "第 2 项计分有误"
    # Another examiner cannot open this sheet by its URL.
    other = client_as(scoring["examiners"][2].user)
    assert other.get(reverse("exams:score_sheet", args=[sheet.pk])).status_code == 404


def sign_own_sheet(profile, code):
    """``profile`` scores his sheet of ``code`` full marks and signs it."""
    own = profile.sheets.get(code=code)
    for score in own.scores.select_related("item"):
        services.item_score_save(
            actor=profile.user, sheet=own, item_id=score.item_id, points=score.item.max_points
        )
    services.sheet_sign(actor=profile.user, sheet=own, password=TEST_PASSWORD)


def test_the_chief_examiner_sees_his_peers_sheets_of_a_code_only_after_signing_his_own(scoring, client_as):
    chief, peer, _third = scoring["examiners"]
    session = scoring["session"]
    sheet = peer.sheets.select_related("code").first()
    sign_own_sheet(peer, sheet.code)
    http = client_as(chief.user)
    url = reverse("exams:session_sheets", args=[session.pk])
    shown = {(row.code_id, row.examiner_id) for row in http.get(url).context["sheets"]}
    assert (sheet.code_id, peer.pk) not in shown
    assert (sheet.code_id, chief.pk) in shown
    reopen = reverse("exams:reopen_sheet", args=[sheet.pk])
    assert http.post(reopen, {"reason": "核分"}).status_code == 404

    sign_own_sheet(chief, sheet.code)
    page = http.get(url)
    shown = {(row.code_id, row.examiner_id): row.total for row in page.context["sheets"]}
    assert shown[sheet.code_id, peer.pk] == Decimal(100)
    # Codes he has not signed yet still hide his peers' sheets.
    other_code = peer.sheets.exclude(code=sheet.code).first().code_id
    assert (other_code, peer.pk) not in shown
    assert http.post(reopen, {"reason": "核分"}).status_code == 302
    sheet.refresh_from_db()
    assert sheet.status == SheetStatus.OPEN


def test_no_page_an_examiner_can_reach_names_a_candidate(scoring, client_as):
    candidates = [
        (application.applicant.name, application.applicant.id_number, application.ticket.number)
        for application in scoring["applications"]
    ]
    for profile in scoring["examiners"]:
        http = client_as(profile.user)
        urls = [reverse(item.url_name) for item in menu_entries() if Role.EXAMINER in item.roles]
        urls += [reverse("exams:score_sheet", args=[sheet.pk]) for sheet in profile.sheets.all()]
        urls.append(reverse("exams:session_sheets", args=[scoring["session"].pk]))
        for url in urls:
            response = http.get(url)
            if response.status_code != 200:
                assert response.status_code == 403, url
                continue
            page = response.content.decode()
            for name, number, ticket in candidates:
                assert name not in page, url
                assert number not in page, url
                assert ticket not in page, url


def test_the_examiner_dashboard_counts_his_open_sheets(scoring, client_as):
    response = client_as(scoring["examiners"][1].user).get(reverse("dashboard"))
    cards = {str(card.label): card.count for card in response.context["cards"]}
    assert cards["待完成的评分记录表"] == 19


def test_combining_rules_and_the_pass_mark_edge():
    assert services.combine([Decimal(50), Decimal(55), Decimal(90)], "mean") == Decimal(65)
    assert services.combine([Decimal(50), Decimal(55), Decimal(90)], "trimmed") == Decimal(55)
    assert services.combine([Decimal(50), Decimal(60)], "trimmed") == Decimal(55)
    mark = Decimal(60)
    assert outcome_for(Decimal("59.9"), present=True, voided=False, mark=mark) == "failed"
    assert outcome_for(Decimal(60), present=True, voided=False, mark=mark) == "passed"
    assert outcome_for(Decimal(90), present=False, voided=False, mark=mark) == "absent"
    assert outcome_for(Decimal(90), present=True, voided=True, mark=mark) == "voided"


def test_tally_joins_identities_after_all_sheets_are_signed_then_a_second_person_checks(scoring, client_as):
    session, staff = scoring["session"], scoring["staff"]
    # Seat 2 of room 1 stayed away (fixture); seat 3 cheated.
    cheat = session.seats.get(session_room__order=1, number=3)
    services.incident_record(
        actor=session.session_rooms.get(order=1).proctors.first(),
        session_room=cheat.session_room,
        seat_number=3,
        kind="discipline",
        description="夹带",
    )
    with pytest.raises(RuleViolation) as caught:
        services.results_tally(actor=staff, session=session)
    assert caught.value.code == "sheets_open"
    # Examiners: 10+50+0=60, 5+40+14.5=59.5, 10+60+30=100 → mean 73.2
    score_everything(scoring, [["10", "50", "0"], ["5", "40", "14.5"], ["10", "60", "30"]])
    assert services.results_tally(actor=staff, session=session) == 20
    results = {result.application_id: result for result in session.results.all()}
    absent = session.seats.get(session_room__order=1, number=2).application_id
    assert (results[absent].outcome, results[absent].points) == ("absent", None)
    assert results[cheat.application_id].outcome == "voided"
    passed = [r for r in results.values() if r.outcome == "passed"]
    assert len(passed) == 18
    assert passed[0].points == Decimal("73.2")
    http = client_as(staff)
    assert http.get(reverse("exams:view_register", args=[scoring["batch"].pk])).context["rows"] is None
    with pytest.raises(RuleViolation) as caught:
        check_tally(actor=staff, session=session)
    assert caught.value.code == "same_person"
    signed = session.sheets.first()
    with pytest.raises(RuleViolation) as caught:
        services.sheet_reopen(actor=scoring["examiners"][0].user, sheet=signed, reason="补改")
    assert caught.value.code == "tallied"
    check_tally(actor=UserFactory(role=Role.CLERK), session=session)
    rows = http.get(reverse("exams:view_register", args=[scoring["batch"].pk])).context["rows"]
    assert len(rows) == 20
    assert sum(row.qualified for row in rows) == 18
    text = "".join(
        page.extract_text()
        for page in PdfReader(
            BytesIO(http.get(reverse("exams:print_register", args=[scoring["batch"].pk])).content)
        ).pages
    )
    assert "成绩登记表" in text
    assert scoring["applications"][0].applicant.name in "".join(text.split())
    sheet = load_workbook(
        BytesIO(http.get(reverse("exams:export_register", args=[scoring["batch"].pk])).content)
    ).active
    assert sheet["F1"].value == "理论成绩"
    assert sheet.max_row == 21


def test_a_chief_examiner_with_a_second_factor_types_it_again_to_reopen(scoring):
    chief, other = scoring["examiners"][0], scoring["examiners"][1]
    sheet = other.sheets.first()
    for score, points in zip(sheet.scores.order_by("item__order"), ["10", "50", "20"], strict=True):
        services.item_score_save(actor=other.user, sheet=sheet, item_id=score.item_id, points=Decimal(points))
    services.sheet_sign(actor=other.user, sheet=sheet, password=TEST_PASSWORD)
    code = second_factor_code(chief.user)
    with pytest.raises(RuleViolation) as caught:
        services.sheet_reopen(actor=chief.user, sheet=sheet, reason="第 2 项漏记", token="")
    assert (caught.value.code, caught.value.field) == ("wrong_code", "token")
    sheet.refresh_from_db()
    assert sheet.status == SheetStatus.SIGNED
    for device in (*chief.user.totpdevice_set.all(), *chief.user.staticdevice_set.all()):
        device.throttle_reset()
    services.sheet_reopen(actor=chief.user, sheet=sheet, reason="第 2 项漏记", token=code)
    sheet.refresh_from_db()
    assert sheet.status == SheetStatus.OPEN


def test_the_points_typed_on_the_tablet_are_parsed_by_their_form():
    def parsed(raw):
        form = ItemScoreForm({"points": raw})
        return form.cleaned_data["points"] if form.is_valid() else form.errors.as_data()["points"][0].code

    assert parsed("7,5") == Decimal("7.5")
    assert parsed(" 8，0 ") == Decimal("8.0")
    assert parsed("") is None
    assert {parsed("x"), parsed("NaN"), parsed("Infinity")} == {"not_a_number"}
