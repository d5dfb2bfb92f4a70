"""API authentication by personal token: `Authorization: Bearer <key>` (or `Token <key>`)."""

from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from .second_factor import token_allowed
from .tokens import token_for_key

KEYWORDS = ("bearer", "token")


class ApiTokenAuthentication(authentication.BaseAuthentication):
    """Personal tokens created on the profile page. A revoked or unknown key answers 401."""

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].decode(errors="replace").lower() not in KEYWORDS:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("En-tête d'authentification mal formé : « Bearer <clé> » attendu."))
        try:
            key = header[1].decode()
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("Clé d'API invalide.")) from None
        token = token_for_key(key)
        if token is None:
            raise exceptions.AuthenticationFailed(_("Clé d'API invalide."))
        if token.revoked_at is not None:
            raise exceptions.AuthenticationFailed(_("Ce jeton d'API a été révoqué."))
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("Ce compte est désactivé."))
        if not token_allowed(token):
            raise exceptions.AuthenticationFailed(
                _("Ce jeton a été créé sans double authentification : créez-en un nouveau depuis « Mon profil ».")
            )
        return token.user, token

    def authenticate_header(self, request):
        return 'Bearer realm="api"'


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = ApiTokenAuthentication
    name = "apiToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "Jeton personnel créé sur la page « Mon profil » (Authorization: Bearer <clé>).",
        }
