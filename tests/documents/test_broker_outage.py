"""A broker outage must not undo or hide what the user just did."""

import logging

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from kombu.exceptions import OperationalError

from documents.models import DocumentJob, JobStatus
from documents.services import requeue_lost_jobs
from forim_portal.queue import send_now
from members.models import Organisation

from .test_jobs import CALLS  # registers the "test_card" kind

pytestmark = pytest.mark.django_db


class UnreachableBroker:
    """Stands for a Celery task whose broker refuses connections."""

    name = "tests.unreachable"

    def delay(self, *args):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")


def test_queueing_while_the_broker_is_down_is_logged_not_raised(caplog):
    with caplog.at_level(logging.ERROR, logger="forim_portal.queue"):
        assert send_now(UnreachableBroker(), 42) is None
    assert "broker is unreachable" in caplog.text


def test_jobs_whose_message_was_lost_are_sent_again(association):
    job = DocumentJob.objects.create(
        kind="test_card", target_type=ContentType.objects.get_for_model(Organisation), target_id=association.pk
    )
    DocumentJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - timezone.timedelta(minutes=30))
    fresh = DocumentJob.objects.create(
        kind="test_card", target_type=ContentType.objects.get_for_model(Organisation), target_id=association.pk, variant="new"
    )
    calls_before = len(CALLS)
    assert requeue_lost_jobs() == 1
    job.refresh_from_db()
    fresh.refresh_from_db()
    assert job.status == JobStatus.DONE and len(CALLS) == calls_before + 1
    assert fresh.status == JobStatus.QUEUED  # just requested: its message is still on its way
