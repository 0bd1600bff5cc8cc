"""Before #18 a phone changed in the profile stayed on the applicant's record and never reached his
account, where text messages go: give each account its record's phone (a mainland mobile), to be
verified by its owner."""

from django.core.exceptions import ValidationError
from django.db import migrations

from jianding.phones import phone_normalise


def account_phones_follow_records(apps, schema_editor):
    Applicant = apps.get_model("applicants", "Applicant")
    for applicant in Applicant.objects.exclude(phone="").exclude(user=None).select_related("user"):
        try:
            phone = phone_normalise(applicant.phone)
        except ValidationError:
            continue
        user = applicant.user
        if user.phone != phone:
            user.phone, user.phone_verified_at = phone, None
            user.save(update_fields=["phone", "phone_verified_at"])


class Migration(migrations.Migration):
    dependencies = [
        ("applicants", "0009_phone_mainland_mobile"),
        ("jianding", "0009_phone_verified"),
    ]

    operations = [migrations.RunPython(account_phones_follow_records, migrations.RunPython.noop)]
