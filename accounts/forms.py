from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from .languages import offered
from .models import User


class LoginForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("Adresse e-mail"), widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True})
    )
    error_messages = {
        "invalid_login": _(
            "Adresse e-mail ou mot de passe incorrect. Vérifiez la saisie (majuscules comprises) "
            "ou utilisez « Mot de passe oublié »."
        ),
        "inactive": _("Ce compte est désactivé. Écrivez à l'équipe FORIM pour le réactiver."),
    }


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["first_name", "last_name", "phone", "language"]


class AccountLanguagePasswordResetForm(PasswordResetForm):
    """The reset link is written in the account's language (User.language), not the page's."""

    def send_mail(self, subject_template_name, email_template_name, context, *args, **kwargs):
        with translation.override(offered(context["user"].language)):
            super().send_mail(subject_template_name, email_template_name, context, *args, **kwargs)
