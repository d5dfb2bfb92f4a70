"""The filter forms of the big lists render their selects in Python (issue 15): same HTML, far less work."""

import re

import pytest
from django import forms
from django.urls import reverse
from django.utils import translation

from forim_portal.widgets import CountryPicker, CountrySelect, QuickSelect, QuickSelectMultiple
from tests.conftest import login
from tests.factories import OrganisationFactory

CHOICES = [("", "Tous"), ("SN", "Sénégal"), ("CI", "Côte d'Ivoire"), ("x<y", "A & <b>")]
GROUPED = [("", "Tous"), ("Afrique", [("SN", "Sénégal"), ("ML", "Mali")]), ("FR", "France")]


def normalised(html):
    """The markup without the whitespace Django's templates put between tags."""
    return re.sub(r">\s+<", "><", html.strip())


@pytest.mark.parametrize(
    ("quick", "django_widget", "choices", "value"),
    [
        (QuickSelect(), forms.Select(), CHOICES, "SN"),
        (QuickSelect(), forms.Select(), CHOICES, "x<y"),
        (QuickSelect(), forms.Select(), CHOICES, None),
        (QuickSelect(), forms.Select(), GROUPED, "ML"),
        (QuickSelectMultiple(), forms.SelectMultiple(), CHOICES, ["SN", "CI"]),
        (QuickSelectMultiple(), forms.SelectMultiple(), GROUPED, []),
    ],
)
def test_quick_select_writes_what_djangos_select_writes(quick, django_widget, choices, value):
    quick.choices = django_widget.choices = choices
    attrs = {"id": "id_country", "aria-describedby": "aide"}
    assert normalised(quick.render("country", value, attrs)) == normalised(
        django_widget.render("country", value, attrs)
    )


def test_a_cached_list_is_read_once_per_language_and_marks_each_pages_choice():
    reads = []

    def choices():
        reads.append(translation.get_language())
        return [("", "Tous"), ("SN", translation.gettext("Sénégal") + f" ({translation.get_language()})")]

    field = forms.ChoiceField(choices=choices, widget=QuickSelect(cache_as="tests.reads"))
    with translation.override("fr"):
        first = field.widget.render("country", "SN")
        second = field.widget.render("country", "")
    with translation.override("en"):
        english = field.widget.render("country", "SN")
    assert reads == ["fr", "en"]
    assert '<option value="SN" selected>Sénégal (fr)</option>' in first
    assert '<option value="" selected>Tous</option>' in second and 'value="SN" selected' not in second
    assert "Senegal (en)" in english  # read again in English, through the English catalogue


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "query", "country"),
    [
        ("reviews:applications", {"country": "SN", "status": ["submitted", "under_review"]}, "Sénégal"),
        ("members:directory", {"country": "SN", "region": "IDF"}, "Sénégal"),
    ],
)
def test_staff_filter_forms_show_the_filters_chosen(url, query, country, staff_user, client):
    operator = OrganisationFactory(kind="operator", name="Opérateur <Sud>", acronym="OPS")
    login(client, staff_user)
    query = {**query, "operator": operator.pk}
    html = client.get(reverse(url), query).content.decode()
    chosen = {
        name: re.findall(r"<option value=\"([^\"]*)\" selected>", block)
        for name, block in re.findall(r'<select name="(\w+)"[^>]*>(.*?)</select>', html, re.S)
    }
    for name, value in query.items():
        assert chosen[name] == ([str(value)] if not isinstance(value, list) else value), name
    assert f'<option value="SN" selected>{country}</option>' in html
    assert f'<option value="{operator.pk}" selected>Opérateur &lt;Sud&gt;' in html  # read afresh, escaped
    assert len(re.findall(r'<select name="country"', html)) == 1
    assert html.count("<option value=") > 250  # every country offered, not only those of the rows


class _Colour(forms.Form):
    """Selects of every shape the renderer meets: groups, several chosen, numbers and dates as labels, markup."""

    import datetime

    colour = forms.ChoiceField(choices=GROUPED, required=False)
    tags = forms.MultipleChoiceField(choices=CHOICES, required=False)
    year = forms.TypedChoiceField(choices=[(2025, 2025), (12026, 12026)], coerce=int, required=False)
    day = forms.ChoiceField(choices=[("d", datetime.date(2026, 12, 18)), ("n", None)], required=False)
    flag = forms.NullBooleanField(required=False)
    plain = forms.CharField(required=False, widget=forms.Select(choices=[("a", "<b>gras</b>")], attrs={"data-x": 'a"b', "disabled": True, "hidden": False}))
    picker = forms.MultipleChoiceField(choices=CHOICES, required=False, widget=CountryPicker)
    country = forms.ChoiceField(choices=CHOICES, required=False, widget=CountrySelect)
    outcome = forms.ChoiceField(choices=CHOICES, widget=forms.RadioSelect(attrs={"class": "inline"}))
    region = forms.ChoiceField(choices=GROUPED, required=False, widget=forms.RadioSelect)
    sections = forms.MultipleChoiceField(choices=CHOICES, required=False, widget=forms.CheckboxSelectMultiple)
    areas = forms.MultipleChoiceField(choices=GROUPED, required=False, widget=forms.CheckboxSelectMultiple)
    title = forms.CharField(max_length=20, required=False, widget=forms.TextInput(attrs={"placeholder": 'Un "titre" & <b>'}))
    email = forms.EmailField(required=False)
    site = forms.URLField(required=False)
    amount = forms.DecimalField(required=False, max_digits=12, decimal_places=2, widget=forms.NumberInput(attrs={"inputmode": "decimal"}))
    months = forms.IntegerField(required=False, min_value=1)
    start = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    agree = forms.BooleanField(required=False)
    secret = forms.CharField(required=False, widget=forms.PasswordInput)
    token = forms.CharField(required=False, widget=forms.HiddenInput)
    story = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 4}))
    upload = forms.FileField(required=False)


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize(
    "data",
    [{}, {"colour": "ML", "tags": ["SN", "x<y"], "year": "12026", "day": "d", "flag": "true", "plain": "a", "country": "SN",
          "outcome": "x<y", "region": "ML", "sections": ["", "CI"], "areas": ["SN", "FR"], "title": "Puits <b>& \"eau\"",
          "email": "tresorier@osim.fr", "site": "pas une adresse", "amount": "12500.50", "months": "12", "start": "2027-03-01",
          "agree": "on", "secret": "x", "token": "a&b", "story": "Ligne 1\n<script>alert(1)</script>\nLigne 3"}],
)
@pytest.mark.parametrize("auto_id", ["id_%s", False])
def test_every_choice_widget_is_written_as_djangos_templates_write_it(language, data, auto_id):
    """settings.FORM_RENDERER writes selects, radio buttons, checkboxes, inputs and text areas in Python: byte for
    byte what Django's templates write, with or without ids, empty or filled (markup included)."""
    from django.forms.renderers import DjangoTemplates

    from forim_portal.widgets import FormRenderer

    with translation.override(language):
        ours = _Colour(data or None, renderer=FormRenderer(), auto_id=auto_id)
        djangos = _Colour(data or None, renderer=DjangoTemplates(), auto_id=auto_id)
        for name in _Colour.base_fields:
            assert str(ours[name]) == str(djangos[name]), name
            assert "<option" in str(ours[name]) or "<input" in str(ours[name]) or "<textarea" in str(ours[name])


def test_the_portals_forms_use_it():
    from django.forms.renderers import get_default_renderer

    from forim_portal.widgets import FormRenderer

    assert isinstance(get_default_renderer(), FormRenderer)
