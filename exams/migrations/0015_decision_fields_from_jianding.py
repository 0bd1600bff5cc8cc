import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("exams", "0014_merge_fee_item_and_recusal"),
    ]

    operations = [
        migrations.RenameField(model_name="batch", old_name="approved_by", new_name="decided_by"),
        migrations.RenameField(model_name="batch", old_name="approved_at", new_name="decided_at"),
        migrations.RenameField(model_name="historicalbatch", old_name="approved_by", new_name="decided_by"),
        migrations.RenameField(model_name="historicalbatch", old_name="approved_at", new_name="decided_at"),
        migrations.RenameField(
            model_name="proctorabsence", old_name="decision_note", new_name="decision_reason"
        ),
        migrations.RenameField(
            model_name="historicalproctorabsence", old_name="decision_note", new_name="decision_reason"
        ),
        migrations.AddField(
            model_name="batch",
            name="decision_reason",
            field=models.TextField(blank=True, verbose_name="reason given with the decision"),
        ),
        migrations.AddField(
            model_name="historicalbatch",
            name="decision_reason",
            field=models.TextField(blank=True, verbose_name="reason given with the decision"),
        ),
        migrations.AlterField(
            model_name="batch",
            name="decided_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="decided at"),
        ),
        migrations.AlterField(
            model_name="batch",
            name="decided_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="decided by",
            ),
        ),
        migrations.AlterField(
            model_name="historicalbatch",
            name="decided_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="decided at"),
        ),
        migrations.AlterField(
            model_name="historicalbatch",
            name="decided_by",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="decided by",
            ),
        ),
        migrations.AlterField(
            model_name="historicalproctorabsence",
            name="decision_reason",
            field=models.TextField(blank=True, verbose_name="reason given with the decision"),
        ),
        migrations.AlterField(
            model_name="proctorabsence",
            name="decision_reason",
            field=models.TextField(blank=True, verbose_name="reason given with the decision"),
        ),
    ]
