from captcha import views as captcha_views
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from jianding import audit_views, outreach_views, portal, second_factor_views, views

accounts_patterns = (
    [
        path("", views.list_staff, name="list_staff"),
        path("new/", views.create_staff, name="create_staff"),
        path("export/", views.export_staff, name="export_staff"),
        path("print/", views.print_staff, name="print_staff"),
        path("<int:pk>/", views.edit_staff, name="edit_staff"),
    ],
    "accounts",
)

public_patterns = (
    [
        path("", outreach_views.home, name="home"),
        path("notices/", outreach_views.list_notices, name="list_notices"),
        path("notices/<int:pk>/", outreach_views.view_notice, name="view_notice"),
        path("consult/", outreach_views.consult, name="consult"),
        # The apps' public pages (the batches open for registration, the publicity of results).
        *portal.public_urls(),
    ],
    "public",
)

outreach_patterns = (
    [
        path("notices/", outreach_views.list_notices_staff, name="list_notices"),
        path("notices/new/", outreach_views.create_notice, name="create_notice"),
        path("notices/<int:pk>/", outreach_views.edit_notice, name="edit_notice"),
        path("notices/<int:pk>/delete/", outreach_views.delete_notice, name="delete_notice"),
        path("consultations/", outreach_views.list_consultations, name="list_consultations"),
        path("consultations/<int:pk>/", outreach_views.answer_consultation, name="answer_consultation"),
    ],
    "outreach",
)

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("sign-in/", views.SignInView.as_view(), name="login"),
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("password/reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("password/reset/sent/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "password/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"
    ),
    path("healthz/", views.healthz, name="healthz"),
    path("two-factor/setup/", second_factor_views.two_factor_setup, name="two_factor_setup"),
    path("two-factor/verify/", second_factor_views.two_factor_verify, name="two_factor_verify"),
    path("two-factor/recovery-codes/", second_factor_views.renew_recovery_codes, name="renew_recovery_codes"),
    path("audit/", audit_views.audit_changes, name="audit_changes"),
    path("audit/access/", audit_views.audit_access, name="audit_access"),
    path("audit/<str:kind>/<int:pk>/", audit_views.audit_record, name="audit_record"),
    path("audit/<str:kind>/<int:pk>/whole/", audit_views.show_whole_record, name="show_whole_record"),
    path("jobs/<int:pk>/", views.view_job, name="view_job"),
    path("jobs/<int:pk>/download/", views.download_job, name="download_job"),
    path("staff/", include(accounts_patterns)),
    path("public/", include(public_patterns)),
    path("outreach/", include(outreach_patterns)),
    path("messages/", include("notifications.urls")),
    path("applicants/", include("applicants.urls")),
    path("exams/", include("exams.urls")),
    path("finance/", include("finance.urls")),
    # The sign-up form's captcha picture (django-simple-captcha's widget finds it by this name).
    path(
        "captcha/<slug:key>/",
        login_not_required(captcha_views.captcha_image),
        {"scale": 1},
        name="captcha-image",
    ),
    # Visitors choose the language on the sign-in page too.
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("admin/", admin.site.urls),
]
