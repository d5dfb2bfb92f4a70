"""The agenda's cards, written in Python (issue 15): as template code, with their dates, labels and counted
sentence, they were two thirds of the page's time. `events.selectors.with_agenda_texts` gives each event its texts."""

from html import escape

from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

register = template.Library()

CARD = """
<article class="card event-card">
  <span class="badge">{kind}</span>{audience}{full}
  <h2><a href="{url}">{title}</a></h2>
  <p class="event-when">{when}</p>
  <p class="muted">{where} · {organised_by} {organiser}
  {places}</p>
</article>
"""


@register.simple_tag
def agenda_cards(events):
    """Every value is escaped with `html.escape` (Django's `escape` without its lazy-text wrapper); translations are
    written as they are, as the template wrote them."""
    full = ' <span class="badge badge-danger">{}</span>'.format(_("Complet : liste d'attente"))
    organised_by, online = _("organisé par"), _("En ligne")
    return mark_safe(
        "".join(
            CARD.format(
                kind=escape(event.kind_label),
                audience=f' <span class="badge badge-warning">{escape(event.audience_label)}</span>'
                if event.audience_label
                else "",
                full=full if event.is_full else "",
                url=escape(event.detail_url),
                title=escape(event.title),
                when=escape(event.when),
                where=escape(event.where) if event.where else (online if event.online_url else ""),
                organised_by=organised_by,
                organiser=escape(event.organiser_label),
                places=f" · {event.places}" if event.places else "",
            )
            for event in events
        )
    )
