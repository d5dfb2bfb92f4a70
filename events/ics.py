"""iCalendar (RFC 5545) files for one event or the agenda, without a third-party library."""

import datetime

from django.conf import settings
from django.utils import timezone

PRODID = "-//FORIM//Portail des projets//FR"


def _escape(text):
    return (text or "").replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\r\n", "\\n").replace("\n", "\\n")


def _fold(line):
    """Lines longer than 75 octets continue on the next line after a space (RFC 5545 §3.1)."""
    encoded = line.encode("utf-8")
    if len(encoded) <= 75:
        return line
    parts, current = [], b""
    for char in line:
        piece = char.encode("utf-8")
        if len(current) + len(piece) > (75 if not parts else 74):
            parts.append(current.decode("utf-8"))
            current = b""
        current += piece
    parts.append(current.decode("utf-8"))
    return "\r\n ".join(parts)


def _utc(value):
    return value.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def _location(event):
    return ", ".join(part for part in (event.place, event.city) if part) or event.online_url


def event_lines(event):
    url = settings.SITE_URL.rstrip("/") + event.get_absolute_url()
    description = "\n\n".join(part for part in (event.description, event.online_url, url) if part)
    return [
        "BEGIN:VEVENT",
        f"UID:event-{event.pk}@forim-portail",
        f"DTSTAMP:{_utc(timezone.now())}",
        f"DTSTART:{_utc(event.starts_at)}",
        f"DTEND:{_utc(event.ends_at)}",
        f"SUMMARY:{_escape(event.title)}",
        f"DESCRIPTION:{_escape(description)}",
        f"LOCATION:{_escape(_location(event))}",
        f"URL:{url}",
        f"ORGANIZER;CN={_escape(str(event.organiser))}:mailto:{event.organiser.email or 'contact@forim.net'}",
        "END:VEVENT",
    ]


def calendar_bytes(events, *, name="FORIM"):
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
             f"X-WR-CALNAME:{_escape(name)}", "X-WR-TIMEZONE:Europe/Paris"]
    for event in events:
        lines.extend(event_lines(event))
    lines.append("END:VCALENDAR")
    return ("\r\n".join(_fold(line) for line in lines) + "\r\n").encode("utf-8")
