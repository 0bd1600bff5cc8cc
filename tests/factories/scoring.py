"""A standard's items and examiners scoring every sheet, for the tests of scoring and results."""

from decimal import Decimal

from exams import services
from tests.factories.accounts import TEST_PASSWORD

ITEMS = [
    {
        "title": "安全文明生产",
        "max_points": Decimal(10),
        "deductions": "未穿戴防护用品扣 5 分",
        "is_subjective": False,
    },
    {"title": "线路安装", "max_points": Decimal(60), "deductions": "", "is_subjective": False},
    {"title": "工艺美观", "max_points": Decimal(30), "deductions": "", "is_subjective": True},
]


def score_everything(scoring, points_by_examiner):
    """Every examiner scores every sheet: item points from ``points_by_examiner[n]`` and signs."""
    for number, profile in enumerate(scoring["examiners"]):
        for sheet in profile.sheets.all():
            for score, points in zip(
                sheet.scores.order_by("item__order"), points_by_examiner[number], strict=True
            ):
                services.item_score_save(
                    actor=profile.user, sheet=sheet, item_id=score.item_id, points=Decimal(points)
                )
            services.sheet_sign(actor=profile.user, sheet=sheet, password=TEST_PASSWORD)


def check_tally(*, actor, session):
    """A second person checks the tally as the check page has him: every candidate, each paper mark again."""
    lines = services.tally_check_lines(session)
    return services.results_check(
        actor=actor,
        session=session,
        confirmed={line.seat.pk for line in lines},
        second_entries={line.seat.pk: line.paper for line in lines if line.paper is not None},
    )
