"""E-mails about reports: handed in, reviewed, and reminders around the due date."""

import datetime

from django.db import transaction
from django.utils import timezone

from grants.notifications import recipients_for
from outbox.mail import send_mail
from outbox.services import send_after_commit

from .models import Report, ReportStatus

# key, days relative to the due date (negative: before), audiences
REMINDERS = [
    ("before_14", -14, {"applicant"}),
    ("late_1", 1, {"applicant", "operator"}),
    ("late_30", 30, {"applicant", "operator", "staff"}),
]
EVENT_AUDIENCES = {
    "submitted": {"staff", "operator"},
    "approved": {"applicant"},
    "changes_requested": {"applicant"},
    **{key: audiences for key, _days, audiences in REMINDERS},
}


def _send(report, audiences, *, event):
    context = {"report": report, "application": report.application, "event": event}
    users = recipients_for(report.application, audiences)
    send_mail(
        to=users,
        subject_template="awards/email/report_subject.txt",
        body_template="awards/email/report_body.txt",
        context=context,
    )
    return len(users)


def send_report_event(*, report_id, event):
    report = Report.objects.select_related("application__organisation").filter(pk=report_id).first()
    if report is not None:
        _send(report, EVENT_AUDIENCES[event], event=event)


def send_report_reminders(*, today=None):
    """Send each due reminder once per report; returns how many reports were reminded."""
    from .services import REPORTING_STATES
    from .tasks import send_report_email

    today = today or timezone.localdate()
    earliest_shift = min(days for _key, days, _aud in REMINDERS)
    open_reports = Report.objects.filter(
        status__in=[ReportStatus.EXPECTED, ReportStatus.CHANGES_REQUESTED],
        application__status__in=REPORTING_STATES,
        due_on__lte=today - datetime.timedelta(days=earliest_shift),
    ).select_related("application__organisation")
    reminded = 0
    for report in open_reports:
        # the latest reminder reached, if not yet sent: no burst of old ones for a report created late
        reached = [
            (key, audiences)
            for key, days, audiences in REMINDERS
            if today >= report.due_on + datetime.timedelta(days=days)
        ]
        if not reached:
            continue
        key, _audiences = reached[-1]
        if key in report.reminders_sent or (key.startswith("before") and today >= report.due_on):
            continue
        # marked sent and queued in one transaction: the outbox sends it once, even after a broker outage
        with transaction.atomic():
            locked = Report.objects.select_for_update().get(pk=report.pk)
            if key in locked.reminders_sent:
                continue
            locked.reminders_sent = [*locked.reminders_sent, key]
            locked.save(update_fields=["reminders_sent"])
            send_after_commit(send_report_email, report.pk, key)
        reminded += 1
    return reminded
