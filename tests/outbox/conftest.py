import pytest

from .backends import RecordingBackend


@pytest.fixture
def smtp(settings):
    """The recording test server as the default mailer; `smtp.calls`, `smtp.refused`."""
    settings.MAILERS = {"default": {"BACKEND": "tests.outbox.backends.RecordingBackend"}}
    RecordingBackend.calls = []
    RecordingBackend.refused = set()
    yield RecordingBackend
    RecordingBackend.refused = set()
