"""Personal API tokens: create (the key is returned once), revoke, and find the token of a key."""

import hashlib
import secrets
from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from forim_portal.errors import DomainError

from .models import ApiToken
from .second_factor import is_verified

KEY_PREFIX = "forim_"
MAX_ACTIVE_TOKENS = 10
# last_used_at is written at most this often, so reading the API does not mean one write per call.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def hash_key(key):
    """Keys are long random strings, so a plain SHA-256 is enough (no password stretching needed)."""
    return hashlib.sha256(key.encode()).hexdigest()


def create_token(*, user, name):
    """Create a named token for `user`; returns (token, key). The key is never stored nor shown again."""
    name = (name or "").strip()
    if not name:
        raise DomainError(
            _("Donnez un nom au jeton, pour le reconnaître plus tard."), code="name_required", field="name"
        )
    if len(name) > ApiToken._meta.get_field("name").max_length:
        raise DomainError(
            _("Le nom du jeton est trop long (100 caractères au plus)."), code="name_too_long", field="name"
        )
    active = user.api_tokens.filter(revoked_at__isnull=True)
    if active.count() >= MAX_ACTIVE_TOKENS:
        raise DomainError(
            _("Vous avez déjà %(max)s jetons actifs : révoquez-en un avant d'en créer un autre.")
            % {"max": MAX_ACTIVE_TOKENS},
            code="too_many_tokens",
            field="name",
        )
    if active.filter(name__iexact=name).exists():
        raise DomainError(_("Vous avez déjà un jeton actif de ce nom."), code="duplicate_name", field="name")
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=key[: len(KEY_PREFIX) + 6],
        key_hash=hash_key(key),
        # Made in a session that gave its second factor: the token may stand in for it.
        second_factor_ok=is_verified(user),
    )
    return token, key


def revoke_token(*, user, token_id):
    """Revoke one of the user's own tokens (another user's token is 'not found')."""
    token = user.api_tokens.filter(pk=token_id).first()
    if token is None:
        raise DomainError(_("Ce jeton n'existe pas."), code="not_found", status=404)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def token_for_key(key):
    """The token a key belongs to (revoked or not), or None."""
    token = ApiToken.objects.select_related("user").filter(key_hash=hash_key(key)).first()
    if token is not None and token.revoked_at is None:
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
            token.last_used_at = now
    return token
