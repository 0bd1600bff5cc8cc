import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("finance", "0003_fee_plan_revisions"),
    ]

    operations = [
        migrations.RenameField(model_name="deferral", old_name="granted_by", new_name="decided_by"),
        migrations.RenameField(model_name="deferral", old_name="granted_at", new_name="decided_at"),
        migrations.RenameField(model_name="deferral", old_name="reason", new_name="decision_reason"),
        migrations.RenameField(model_name="historicaldeferral", old_name="granted_by", new_name="decided_by"),
        migrations.RenameField(model_name="historicaldeferral", old_name="granted_at", new_name="decided_at"),
        migrations.RenameField(
            model_name="historicaldeferral", old_name="reason", new_name="decision_reason"
        ),
        migrations.AddField(
            model_name="collection",
            name="decision_reason",
            field=models.TextField(blank=True, verbose_name="reason given with the decision"),
        ),
        migrations.AddField(
            model_name="historicalcollection",
            name="decision_reason",
            field=models.TextField(blank=True, verbose_name="reason given with the decision"),
        ),
        migrations.AlterField(
            model_name="collection",
            name="decided_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="decided at"),
        ),
        migrations.AlterField(
            model_name="collection",
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
            model_name="deferral",
            name="decided_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="decided at"),
        ),
        migrations.AlterField(
            model_name="deferral",
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
            model_name="deferral",
            name="decision_reason",
            field=models.TextField(blank=True, verbose_name="reason given with the decision"),
        ),
        migrations.AlterField(
            model_name="expense",
            name="decided_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="decided at"),
        ),
        migrations.AlterField(
            model_name="expense",
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
            model_name="expense",
            name="decision_reason",
            field=models.TextField(blank=True, verbose_name="reason given with the decision"),
        ),
        migrations.AlterField(
            model_name="feeplan",
            name="decision_reason",
            field=models.TextField(blank=True, verbose_name="reason given with the decision"),
        ),
        migrations.AlterField(
            model_name="historicalcollection",
            name="decided_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="decided at"),
        ),
        migrations.AlterField(
            model_name="historicalcollection",
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
            model_name="historicaldeferral",
            name="decided_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="decided at"),
        ),
        migrations.AlterField(
            model_name="historicaldeferral",
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
            model_name="historicaldeferral",
            name="decision_reason",
            field=models.TextField(blank=True, verbose_name="reason given with the decision"),
        ),
        migrations.AlterField(
            model_name="historicalexpense",
            name="decided_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="decided at"),
        ),
        migrations.AlterField(
            model_name="historicalexpense",
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
            model_name="historicalexpense",
            name="decision_reason",
            field=models.TextField(blank=True, verbose_name="reason given with the decision"),
        ),
        migrations.AlterField(
            model_name="historicalfeeplan",
            name="decision_reason",
            field=models.TextField(blank=True, verbose_name="reason given with the decision"),
        ),
    ]
