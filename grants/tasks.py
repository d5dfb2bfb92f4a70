from celery import shared_task

from .models import Transition
from .notifications import recipients_for, send_in_language
from .workflow import TRANSITIONS


@shared_task(autoretry_for=(ConnectionError, OSError), retry_backoff=True, max_retries=5)
def send_transition_emails(transition_id):
    """Tell the people concerned that a dossier changed state. Quiet if the row is gone."""
    record = Transition.objects.select_related("application__organisation", "application__call", "by").filter(pk=transition_id).first()
    if record is None:
        return 0
    spec = TRANSITIONS[record.name]
    application = record.application
    users = recipients_for(application, spec.notify)
    for user in users:
        send_in_language(
            user,
            subject_template="grants/email/transition_subject.txt",
            body_template="grants/email/transition_body.txt",
            context={"record": record, "application": application, "spec": spec},
        )
    return len(users)
