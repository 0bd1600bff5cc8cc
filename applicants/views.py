from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from applicants import services
from applicants.forms import SignUpForm
from jianding.errors import RuleViolation
from jianding.forms import form_refuse


@login_not_required
def sign_up(request):
    if request.user.is_authenticated:
        return redirect("dashboard")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            applicant = services.applicant_register(
                name=data["name"],
                id_number=data["id_number"],
                phone=data["phone"],
                password=data["password1"],
            )
        except RuleViolation as error:
            form_refuse(form, error)
        else:
            login(request, applicant.user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(
                request, _("Your account is ready. Welcome, %(name)s.") % {"name": applicant.name}
            )
            return redirect("dashboard")
    return render(request, "applicants/sign_up.html", {"form": form})
