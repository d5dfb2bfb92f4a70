from celery import shared_task
from django.contrib.auth import get_user_model

from lifecycle.models import StateChange
from outbox.mail import send_mail

from .models import StatementOfIntent


def association_readers(statement):
    """The association's active members: they hear of the decision."""
    return list(
        get_user_model()
        .objects.filter(memberships__organisation_id=statement.organisation_id, is_active=True)
        .distinct()
    )


@shared_task
def send_decision_email(state_change_id):
    """Tell the association whether its statement is pre-selected, with the reason. Quiet if the row is gone."""
    record = StateChange.objects.select_related("by").filter(pk=state_change_id).first()
    statement = (
        StatementOfIntent.objects.select_related("call", "organisation").filter(pk=record.object_id).first()
        if record
        else None
    )
    if statement is None:
        return 0
    readers = association_readers(statement)
    send_mail(
        to=readers,
        subject_template="intents/email/decision_subject.txt",
        body_template="intents/email/decision_body.txt",
        context={"statement": statement, "record": record, "preselected": record.to_state == "preselected"},
    )
    return len(readers)
