from django.db import migrations


def create_role_groups(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    from jianding.roles import role_groups_sync

    # Permissions are normally made after all migrations; make those of the
    # models migrated so far, so the groups start with them.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None
    role_groups_sync(apps=apps, strict=False)


class Migration(migrations.Migration):
    dependencies = [
        ("jianding", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_role_groups, migrations.RunPython.noop)]
