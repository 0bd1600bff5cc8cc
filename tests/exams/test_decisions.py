"""Every approve / return / reject record has the one decision shape of ``jianding.decisions``."""

import pytest
from django.apps import apps

from jianding.decisions import DECISION_FIELDS, Decided

DECIDED = [
    "exams.AppraisalPlan",
    "exams.Batch",
    "exams.QuestionBank",
    "exams.ProctorAbsence",
    "finance.FeePlan",
    "finance.Expense",
    "finance.Collection",
    "finance.Deferral",
]


@pytest.mark.parametrize("label", DECIDED)
def test_each_decided_record_has_the_one_decision_shape(label):
    model = apps.get_model(label)
    assert issubclass(model, Decided)
    for name in DECISION_FIELDS:
        assert model._meta.get_field(name).model is model
        assert model._meta.get_field(name).verbose_name == Decided._meta.get_field(name).verbose_name
