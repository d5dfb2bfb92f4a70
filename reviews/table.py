"""The staff dossier table's rows and filter fields, written in Python: the HTML the template's loops wrote
(some 2.5 ms of variable lookups and tags a page, issue 15), in a fraction of it. What is the same on every
row (labels, the link, the flag) is made once; each row or field is one `str.format` of escaped values,
escaped as the template and `format_html` escape them (`_escaped`), without Django's lazy-string wrapper
around `escape` (some 2 µs a value, 350 values a page)."""

from html import escape

from django.utils.formats import localize
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from forim_portal.formats import format_amount
from forim_portal.rows import choice_labels, pk_url
from grants.states import State
from members.countries import names_by_code


def _escaped(value):
    """`conditional_escape(value)` as text: HTML already made safe is kept, anything else is escaped."""
    return value.__html__() if hasattr(value, "__html__") else escape(str(value))


def _written(template, **values):
    return template.format(**{name: _escaped(value) for name, value in values.items()})


ROW = """
    <tr>
      <td><input type="checkbox" name="ids" value="{pk}" id="sel-{pk}" aria-label="{select_label}"></td>
      <td><a href="{detail_url}">{reference}</a></td>
      <td><strong>{organisation}</strong><br>{title}<br><span class="muted">{country} · {call}</span></td>
      <td><span class="badge">{status}</span></td>
      <td>{amount}</td>
      <td>{score}{flag}</td>
      <td>{reviews_done}/{reviewers_count}</td>
    </tr>
    """


def rows_html(applications):
    """The `<tr>` of each of these dossiers (a page, already given their review figures by
    `selectors.with_review_figures`): reference and link, association and project, country and call, state,
    amount asked, score with the reviewers' spread flag, reviews received out of those asked."""
    labels, names, language = choice_labels(State.choices), names_by_code(), get_language()
    select = _("Sélectionner %(ref)s")
    detail_url = pk_url("reviews:application_detail")
    flag = format_html(
        ' <span class="badge badge-warning" title="{}">{}</span>', _("Écart important entre évaluateurs"), _("écart")
    )
    return mark_safe(
        "".join(  # every value escaped by _written
            _written(
                ROW,
                pk=row.pk,
                select_label=select % {"ref": row.reference},
                detail_url=detail_url(row.pk),
                reference=row.reference or row.pk,
                organisation=row.organisation.acronym or row.organisation.name,
                title=row.title,
                country=names.get(row.country.code) or row.country.name,
                call=row.call.title,
                status=labels.get(row.status, row.status),
                amount=format_amount(row.amount_requested, language)
                or "—",  # the `euros` filter, its language read once
                score="—" if row.score is None else localize(row.score),
                flag=flag if row.spread_flag else "",
                reviews_done=row.reviews_done,
                reviewers_count=row.reviewers_count,
            )
            for row in applications
        )
    )


FIELD = """
    <div class="form-field{error_class}">
      <label for="{id}">{label}</label>{control}
      {errors}
    </div>
    """


def fields_html(form, *, skip=()):
    """Each field of this form but `skip`: its label, its control (the widget's own HTML) and its errors."""
    return mark_safe(
        "".join(  # every value escaped by _written
            _written(
                FIELD,
                error_class=" field-error" if field.errors else "",
                id=field.id_for_label,
                label=field.label,
                control=field,
                errors=format_html(
                    '<ul class="errorlist">{}</ul>', format_html_join("", "<li>{}</li>", ((e,) for e in field.errors))
                )
                if field.errors
                else "",
            )
            for field in form
            if field.name not in skip
        )
    )
