from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .forms import LoginForm, ProfileForm
from .home import home_sections
from .middleware import SESSION_KEY


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        messages.success(request, _("Vous êtes déconnecté. À bientôt !"))
        return response


@login_required
def home(request):
    return render(request, "accounts/home.html", {"sections": home_sections(request)})


@login_required
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        translation.activate(user.language)
        response = redirect("accounts:profile")
        response.set_cookie("django_language", user.language, samesite="Lax")
        messages.success(request, _("Votre profil est enregistré."))
        return response
    memberships = request.user.memberships.select_related("organisation")
    tokens = getattr(request.user, "api_tokens", None)
    return render(
        request,
        "accounts/profile.html",
        {"form": form, "memberships": memberships, "tokens": tokens.all() if tokens is not None else []},
    )


@login_required
@require_POST
def switch_organisation(request):
    """Act for another of the user's organisations; refuse any other."""
    organisation_id = request.POST.get("organisation")
    membership = request.user.memberships.filter(organisation_id=organisation_id).select_related("organisation").first()
    if membership is None:
        messages.error(request, _("Vous n'agissez pas pour cette organisation."))
    else:
        request.session[SESSION_KEY] = membership.organisation_id
        messages.success(request, _("Vous agissez maintenant pour %(name)s.") % {"name": membership.organisation})
    target = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    return redirect(target)
