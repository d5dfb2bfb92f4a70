"""A test mail server: keeps what it receives (django.core.mail.outbox), notes whether each
SMTP call happened inside a database transaction, and refuses the addresses it is told to."""

from smtplib import SMTPRecipientsRefused

from django.core.mail.backends.locmem import EmailBackend
from django.db import connection


class RecordingBackend(EmailBackend):
    calls = []  # (recipient, inside a transaction?) for every message handed to the server
    refused = set()

    def send_messages(self, messages):
        for message in messages:
            type(self).calls.append((message.to[0], connection.in_atomic_block))
            if set(message.to) & self.refused:
                raise SMTPRecipientsRefused(dict.fromkeys(message.to, (550, b"mailbox unavailable")))
        return super().send_messages(messages)
