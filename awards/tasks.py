"""Thin tasks: report e-mails and the daily reminders (Celery beat)."""

from celery import shared_task

from .notifications import send_report_event, send_report_reminders


@shared_task
def send_report_email(report_id, event):
    send_report_event(report_id=report_id, event=event)


@shared_task
def remind_reports():
    """Daily: e-mail associations before a report is due and after it is late (each reminder once)."""
    return send_report_reminders()
