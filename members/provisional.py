"""Files kept between two attempts at a form: a refusal for another field never costs the person their uploads.

A file that passed `forim_portal.uploads.validate_upload` is stored through Django's storage API as a
`ProvisionalUpload`; the page carries only a signed, expiring token naming it (its key is a random UUID, so
a token can neither be guessed nor forged). The next attempt reads the file back and checks it again like
any upload. Used files are deleted at once; forgotten ones after `KEEP_HOURS` by `purge`.
"""

import datetime
import uuid

from django.core import signing
from django.core.files import File
from django.utils import timezone

from .models import ProvisionalUpload

KEEP_HOURS = 24
SALT = "members.provisional-upload"


class KeptUpload(File):
    """A file joined on an earlier attempt, read back from storage: forms and services use it as an upload."""

    def __init__(self, row, token):
        super().__init__(row.file.open("rb"), name=row.original_name)
        self.row = row
        self.size = row.size
        self.token = token  # shown again as received: the file's time limit never restarts


def keep(upload):
    """Store an accepted upload for the next attempt; return its row."""
    row = ProvisionalUpload(key=uuid.uuid4(), original_name=upload.name[:200], size=upload.size or 0)
    upload.seek(0)
    row.file.save(upload.name, upload, save=False)
    row.save()
    return row


def token_for(row):
    return signing.dumps(str(row.key), salt=SALT, compress=True)


def from_token(token):
    """The kept file a token names, or None when the token is absent, forged, expired or its file gone."""
    if not token or not isinstance(token, str) or len(token) > 200:
        return None
    try:
        key = signing.loads(token, salt=SALT, max_age=datetime.timedelta(hours=KEEP_HOURS))
        row = ProvisionalUpload.objects.filter(key=uuid.UUID(str(key))).first()
    except (signing.BadSignature, ValueError):
        return None
    if row is None or not row.file.storage.exists(row.file.name):
        return None
    return KeptUpload(row, token)


def discard(kept):
    """A kept file was used (it is now in the vault): delete it."""
    kept.close()
    _delete(kept.row)


def _delete(row):
    row.file.delete(save=False)
    row.delete()


def purge(*, now=None):
    """Delete the kept files older than KEEP_HOURS; return how many."""
    limit = (now or timezone.now()) - datetime.timedelta(hours=KEEP_HOURS)
    rows = list(ProvisionalUpload.objects.filter(created_at__lt=limit))
    for row in rows:
        _delete(row)
    return len(rows)
