from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from jianding import views

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

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("sign-in/", views.SignInView.as_view(), name="login"),
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("staff/", include(accounts_patterns)),
    path("applicants/", include("applicants.urls")),
    # Visitors choose the language on the sign-in page too.
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("admin/", admin.site.urls),
]
