from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from . import second_factor_views, views
from .forms import AccountLanguagePasswordResetForm

app_name = "accounts"

urlpatterns = [
    path("", views.home, name="home"),
    path("connexion/", views.LoginView.as_view(), name="login"),
    path("deconnexion/", views.LogoutView.as_view(), name="logout"),
    path("profil/", views.profile, name="profile"),
    path("profil/jetons/", views.create_api_token, name="create_api_token"),
    path("profil/jetons/<int:token_id>/revoquer/", views.revoke_api_token, name="revoke_api_token"),
    path("compte/double-authentification/", second_factor_views.verify, name="second_factor"),
    path("compte/double-authentification/activer/", second_factor_views.setup, name="second_factor_setup"),
    path("compte/double-authentification/codes/", second_factor_views.recovery_codes, name="second_factor_codes"),
    path(
        "compte/double-authentification/codes/renouveler/",
        second_factor_views.renew_recovery_codes,
        name="second_factor_renew_codes",
    ),
    path("profil/organisation/", views.switch_organisation, name="switch_organisation"),
    path(
        "mot-de-passe/changer/",
        auth_views.PasswordChangeView.as_view(success_url=reverse_lazy("accounts:password_change_done")),
        name="password_change",
    ),
    path("mot-de-passe/change/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path(
        "mot-de-passe/oubli/",
        auth_views.PasswordResetView.as_view(
            form_class=AccountLanguagePasswordResetForm,
            success_url=reverse_lazy("accounts:password_reset_done"),
            email_template_name="registration/password_reset_email.txt",
            subject_template_name="registration/password_reset_subject.txt",
        ),
        name="password_reset",
    ),
    path("mot-de-passe/oubli/envoye/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "mot-de-passe/nouveau/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(success_url=reverse_lazy("accounts:password_reset_complete")),
        name="password_reset_confirm",
    ),
    path("mot-de-passe/nouveau/fait/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
]
