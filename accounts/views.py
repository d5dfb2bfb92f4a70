from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views import i18n
from django.views.decorators.http import require_POST

from forim_portal.errors import DomainError

from .forms import LoginForm, ProfileForm
from .middleware import SESSION_KEY
from .navigation import sections_for
from .second_factor import has_second_factor
from .tokens import create_token, revoke_token

NEW_KEY_SESSION_NAME = "new_api_key"


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_lazy("Nom du jeton"), max_length=100, help_text=_lazy("Pour le reconnaître : l'outil ou la personne qui l'utilise.")
    )


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        """Signed in, the pages speak the account's language (the one its e-mails and PDFs use)."""
        response = super().form_valid(form)
        return remember_language(response, form.get_user().language)


def remember_language(response, code):
    """The language cookie LocaleMiddleware reads, for a code the portal offers."""
    if code in dict(settings.LANGUAGES):
        translation.activate(code)  # this response's messages already in that language
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, code, samesite="Lax")
    return response


@require_POST
def set_language(request):
    """Django's language switch; for a signed-in user it is also the account's language, so the
    e-mails and PDFs the portal sends them follow it (outbox.mail, documents.services)."""
    response = i18n.set_language(request)
    code = request.POST.get("language", "")
    user = request.user
    if user.is_authenticated and code in dict(settings.LANGUAGES) and code != user.language:
        get_user_model().objects.filter(pk=user.pk).update(language=code)
    return response


class LogoutView(auth_views.LogoutView):
    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        messages.success(request, _("Vous êtes déconnecté. À bientôt !"))
        return response


def home(request):
    """Signed in: the user's own sections. A visitor: what FORIM funds, the open calls, the laureates, and how
    to sign in or register (each app adds its public section through the navigation registry)."""
    template = "accounts/home.html" if request.user.is_authenticated else "accounts/public_home.html"
    return render(request, template, {"sections": sections_for(request)})


@login_required
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        response = remember_language(redirect("accounts:profile"), user.language)
        messages.success(request, _("Votre profil est enregistré."))
        return response
    return render_profile(request, form=form, status=400 if request.method == "POST" else 200)


def render_profile(request, *, form, token_form=None, status=200):
    memberships = request.user.memberships.select_related("organisation")
    return render(
        request,
        "accounts/profile.html",
        {
            "form": form,
            "memberships": memberships,
            "tokens": request.user.api_tokens.all(),
            "has_second_factor": has_second_factor(request.user),
            "token_form": token_form or ApiTokenForm(),
            # The key of a token just created: shown once, then gone from the session.
            "new_token_key": request.session.pop(NEW_KEY_SESSION_NAME, None),
        },
        status=status,
    )


@login_required
@require_POST
def create_api_token(request):
    token_form = ApiTokenForm(request.POST)
    if token_form.is_valid():
        try:
            token, key = create_token(user=request.user, name=token_form.cleaned_data["name"])
        except DomainError as error:
            token_form.add_error("name", error.message)
        else:
            request.session[NEW_KEY_SESSION_NAME] = key
            messages.success(request, _("Le jeton « %(name)s » est créé.") % {"name": token.name})
            return redirect(reverse("accounts:profile") + "#api-tokens")
    return render_profile(request, form=ProfileForm(instance=request.user), token_form=token_form, status=400)


@login_required
@require_POST
def revoke_api_token(request, token_id):
    token = revoke_token(user=request.user, token_id=token_id)
    messages.success(request, _("Le jeton « %(name)s » est révoqué : il ne donne plus accès à l'API.") % {"name": token.name})
    return redirect(reverse("accounts:profile") + "#api-tokens")


@login_required
@require_POST
def switch_organisation(request):
    """Act for another of the user's organisations; refuse any other (400 in French, never a 500)."""
    organisation_id = request.POST.get("organisation", "")
    membership = None
    if organisation_id.isdigit() and len(organisation_id) < 12:
        membership = request.user.memberships.filter(organisation_id=int(organisation_id)).select_related("organisation").first()
    if membership is None:
        raise DomainError(_("Vous n'agissez pas pour cette organisation."), code="not_a_member", field="organisation")
    request.session[SESSION_KEY] = membership.organisation_id
    messages.success(request, _("Vous agissez maintenant pour %(name)s.") % {"name": membership.organisation})
    target = request.POST.get("next") or "/"
    if not target.startswith("/") or not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    return HttpResponseRedirect(target)
