"""The sorted country list is made once per language (issue 15: a call's eligible countries read it on every
list of open calls); each caller gets its own list, in the active language."""

from django.utils import translation

from members.countries import country_choices


def test_each_language_has_its_own_sorted_names():
    with translation.override("fr"):
        french = dict(country_choices())
        names = [name for _code, name in country_choices()]
    with translation.override("en"):
        english = dict(country_choices())
    assert french["SN"] == "Sénégal" and english["SN"] == "Senegal"
    assert french["DE"] == "Allemagne" and english["DE"] == "Germany"
    assert names.index("Égypte") < names.index("Éthiopie") < names.index("Fidji")  # accents ignored in the order


def test_a_caller_changing_its_list_changes_nobody_else_s():
    with translation.override("fr"):
        mine = country_choices()
        mine.insert(0, ("", "—"))
        assert country_choices()[0] != ("", "—")
