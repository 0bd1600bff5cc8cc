from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_roles_after_migrate(sender, using, **kwargs):
    # Permissions of every app exist only after their own post_migrate; make
    # them first so the groups can hold permissions of apps listed later.
    from django.apps import apps
    from django.contrib.auth.management import create_permissions

    from jianding.roles import role_groups_sync

    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=using)
    role_groups_sync(apps=apps, strict=True)


class JiandingConfig(AppConfig):
    name = "jianding"
    verbose_name = _("Jianding portal")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in
        from django.db.models import fields

        from jianding import dashboard, navigation
        from jianding.middleware import session_clock_start

        post_migrate.connect(_sync_roles_after_migrate, sender=self)
        user_logged_in.connect(session_clock_start, dispatch_uid="jianding.session_clock_start")
        dashboard.register()
        navigation.register()
        # Django 6.1's own label has no Chinese translation yet; Django invites
        # apps to set their own here.
        fields.BLANK_CHOICE_LABEL = _("- choose -")
