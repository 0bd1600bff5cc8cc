"""The database-side copy of creation records writes what simple_history would."""

import datetime

from django.forms.models import model_to_dict

from applicants.models import Applicant
from applicants.services import applicants_create_bulk
from jianding.history import CHUNK, history_copy_created
from jianding.models import User
from jianding.roles import Role
from tests.factories.accounts import UserFactory
from tests.factories.applicants import resident_id

HISTORY_ONLY = {"history_id", "history_date"}


def _values(record) -> dict:
    return {
        field.attname: getattr(record, field.attname)
        for field in record._meta.concrete_fields
        if field.attname not in HISTORY_ONLY
    }


def _new(count: int, birth: datetime.date) -> list[Applicant]:
    return [
        Applicant(
            name=f"学生{n}",
            id_number=resident_id(n % 400, birth=birth + datetime.timedelta(days=n // 400)),
            birth_date=birth + datetime.timedelta(days=n // 400),
            sex="F",
            phone="13800000000",
        )
        for n in range(count)
    ]


def test_creation_records_match_simple_history_across_chunks(db):
    clerk = UserFactory(role=Role.CLERK)
    count = CHUNK + 5  # two statements per table
    created = applicants_create_bulk(
        actor=clerk, applicants=_new(count, datetime.date(2001, 2, 3)), reason="导入班级名单"
    )
    assert Applicant.history.filter(history_type="+").count() == count
    by_copy = Applicant.history.get(id=created[0].pk)
    assert (by_copy.history_user, by_copy.history_change_reason) == (clerk, "导入班级名单")
    assert model_to_dict(by_copy.instance) == model_to_dict(created[0])

    # The same rows through simple_history itself give the same values.
    Applicant.history.all().delete()
    expected = Applicant.history.bulk_history_create(
        created, default_user=clerk, default_change_reason="导入班级名单"
    )
    written = {record.id: _values(record) for record in expected}
    Applicant.history.all().delete()

    history_copy_created(Applicant, [a.pk for a in created], user=clerk, reason="导入班级名单")
    copied = {record.id: _values(record) for record in Applicant.history.all()}
    assert copied == written


def test_accounts_keep_their_group_in_their_creation_record(db):
    clerk = UserFactory(role=Role.CLERK)
    created = applicants_create_bulk(
        actor=clerk, applicants=_new(3, datetime.date(2001, 3, 4)), reason="导入"
    )
    user = User.objects.get(pk=created[0].user_id)
    record = user.history.get()
    assert (record.history_type, record.history_user, record.username) == ("+", clerk, user.username)
    assert [group.group.name for group in record.groups.all()] == [Role.APPLICANT.value]
    assert set(user.groups.values_list("name", flat=True)) == {Role.APPLICANT.value}
