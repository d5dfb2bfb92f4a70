"""The committee page reads the amount awarded as every money input is read (forim_portal.money)."""

from decimal import Decimal

import pytest

from reviews.forms import DecisionForm


@pytest.mark.parametrize(
    "typed, amount", [("1 000,50", Decimal("1000.50")), ("15000", Decimal("15000.00")), ("", None)]
)
def test_the_amount_takes_french_writing(typed, amount):
    form = DecisionForm({"outcome": "award", "amount": typed, "reason": "Projet solide."})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["amount"] == amount


@pytest.mark.parametrize(
    "typed, message",
    [
        ("100.005", "deux chiffres après la virgule"),
        ("1e3", "Montant invalide"),
        ("-5", "négatif"),
        ("NaN", "Montant invalide"),
    ],
)
def test_the_amount_refuses_what_is_not_euros_and_cents(typed, message):
    form = DecisionForm({"outcome": "award", "amount": typed, "reason": "Projet solide."})
    assert not form.is_valid()
    assert message in form.errors["amount"][0]
