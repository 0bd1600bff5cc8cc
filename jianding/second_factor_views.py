"""The second step of a staff sign-in: enrol the phone app once, then type its code each time."""

from io import BytesIO

import segno
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from jianding import second_factor
from jianding.errors import RuleViolation
from jianding.forms import SecondFactorForm, SecondFactorSetupForm, form_refuse
from jianding.next_page import next_page


def _next(request) -> str:
    return next_page(request) or "/"


def _qr_svg(url: str) -> str:
    buffer = BytesIO()
    segno.make(url, error="m").save(buffer, kind="svg", scale=5, xmldecl=False, svgns=True)
    return buffer.getvalue().decode()


def two_factor_setup(request):
    """Show the QR code of a new phone app; the first code it shows confirms it, then the recovery codes."""
    if second_factor.second_factor_enrolled(request.user) and not request.user.is_verified():
        return redirect("two_factor_verify")
    enrolled = second_factor.second_factor_enrolled(request.user)
    form = SecondFactorSetupForm(request.POST or None, replacing=enrolled)
    device = second_factor.totp_device_pending(request.user)
    if request.method == "POST" and form.is_valid():
        try:
            codes = second_factor.totp_enrol(
                request.user, form.cleaned_data["token"], current=form.cleaned_data.get("current", "")
            )
        except RuleViolation as error:
            form_refuse(form, error)
        else:
            otp_login(request, request.user.totpdevice_set.get(confirmed=True))
            return render(
                request, "registration/two_factor_codes.html", {"codes": codes, "next": _next(request)}
            )
    return render(
        request,
        "registration/two_factor_setup.html",
        {
            "form": form,
            "qr": _qr_svg(device.config_url),
            "secret": device.config_url.split("secret=")[1].split("&")[0],
            "next": _next(request),
            "renew_form": SecondFactorForm(prefix="renew") if enrolled else None,
        },
    )


def two_factor_verify(request):
    """The second factor at each sign-in: the phone app's code, or one recovery code."""
    if not second_factor.second_factor_enrolled(request.user):
        return redirect("two_factor_setup")
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = second_factor.second_factor_check(request.user, form.cleaned_data["token"])
        except RuleViolation as error:
            form_refuse(form, error)
        else:
            otp_login(request, device)
            if device.name == second_factor.RECOVERY:
                messages.warning(
                    request,
                    _(
                        "You signed in with a recovery code; %(left)d are left. "
                        "Print new ones under “Two-factor sign-in”."
                    )
                    % {"left": device.token_set.count()},
                )
            return redirect(_next(request))
    return render(request, "registration/two_factor_verify.html", {"form": form, "next": _next(request)})


@require_POST
def renew_recovery_codes(request):
    """New recovery codes, for a code of the user's second factor: the old ones stop working."""
    form = SecondFactorForm(request.POST, prefix="renew")
    try:
        codes = second_factor.recovery_codes_replace(request.user, form.data.get("renew-token", ""))
    except RuleViolation as error:
        messages.error(request, error.message)
        return redirect("two_factor_setup")
    return render(request, "registration/two_factor_codes.html", {"codes": codes, "next": "/"})
