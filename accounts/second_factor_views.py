"""Pages of the second factor: enrol a phone, give a code at sign-in, renew recovery codes."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from forim_portal.errors import DomainError

from . import second_factor

CODES_SESSION_KEY = "new_recovery_codes"


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_lazy("Code de vérification"),
        max_length=20,
        help_text=_lazy("Les 6 chiffres affichés par votre application, ou un code de secours."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )


class EnrolForm(CodeForm):
    def __init__(self, *args, has_tokens=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].help_text = _lazy("Les 6 chiffres affichés par votre application.")
        if not has_tokens:
            del self.fields["keep_tokens"]

    keep_tokens = forms.BooleanField(
        label=_lazy("Garder mes jetons d'API existants"),
        required=False,
        help_text=_lazy("Sinon ils sont révoqués : ils ont été créés avec le seul mot de passe."),
    )


def _next(request):
    target = request.POST.get("next") or request.GET.get("next") or "/"
    return target if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}) else "/"


@login_required
def setup(request):
    """Enrol (or replace) the authentication app: scan, type the first code, keep the recovery codes."""
    if second_factor.has_second_factor(request.user) and not second_factor.is_verified(request.user):
        return redirect("accounts:second_factor")
    device = second_factor.pending_device(request.user)
    has_tokens = request.user.api_tokens.filter(revoked_at__isnull=True).exists()
    form = EnrolForm(request.POST or None, has_tokens=has_tokens)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            codes = second_factor.confirm_enrolment(
                request=request,
                device=device,
                code=form.cleaned_data["code"],
                keep_tokens=form.cleaned_data.get("keep_tokens", False),
            )
        except DomainError as error:
            form.add_error("code", error.message)
            status = error.status
        else:
            request.session[CODES_SESSION_KEY] = codes
            messages.success(request, _("La double authentification est activée."))
            return redirect(f"{reverse('accounts:second_factor_codes')}?next={_next(request)}")
    elif request.method == "POST":
        status = 400
    context = {
        "form": form,
        "qr_code": mark_safe(second_factor.qr_code_svg(device)),  # our own SVG, made from our own URL
        "key": second_factor.readable_key(device),
        "next": _next(request),
    }
    return render(request, "accounts/second_factor_setup.html", context, status=status)


@login_required
def verify(request):
    """The second step of signing in."""
    if not second_factor.has_second_factor(request.user):
        return redirect("accounts:second_factor_setup")
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            second_factor.verify_second_step(request=request, code=form.cleaned_data["code"])
        except DomainError as error:
            form.add_error("code", error.message)
            status = error.status
        else:
            return redirect(_next(request))
    elif request.method == "POST":
        status = 400
    return render(request, "accounts/second_factor_verify.html", {"form": form, "next": _next(request)}, status=status)


@login_required
def recovery_codes(request):
    """The recovery codes just made: shown once, then gone from the session."""
    codes = request.session.pop(CODES_SESSION_KEY, None)
    if codes is None:
        return redirect("accounts:profile")
    return render(request, "accounts/second_factor_codes.html", {"codes": codes, "next": _next(request)})


@login_required
@require_POST
def renew_recovery_codes(request):
    if not second_factor.is_verified(request.user):
        return redirect("accounts:second_factor")
    request.session[CODES_SESSION_KEY] = second_factor.new_recovery_codes(request.user)
    return redirect("accounts:second_factor_codes")
