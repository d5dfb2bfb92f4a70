"""forim_portal.money: how the portal reads, rounds, compares and splits euros."""

from decimal import Decimal

import pytest

from forim_portal.errors import DomainError
from forim_portal.money import (
    exceeds_share,
    half_up_cents,
    parse_amount,
    parse_percent,
    parse_split,
    parse_split_text,
    share_ceiling,
    split_amount,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1 000,50", "1000.50"),
        ("1000.50", "1000.50"),
        ("1 000,5", "1000.50"),
        ("15000", "15000.00"),
        ("1\u00a0000,50", "1000.50"),  # no-break space
        ("1\u202f000,50", "1000.50"),  # narrow no-break space, as French formatting writes it
        ("  250,00 € ", "250.00"),
        ("100.500", "100.50"),  # trailing zeros are not sub-cent
        (Decimal("12.3"), "12.30"),
        (42, "42.00"),
        ("0", "0.00"),
    ],
)
def test_amounts_are_read_exactly(text, expected):
    assert parse_amount(text) == Decimal(expected)
    assert str(parse_amount(text)) == expected


@pytest.mark.parametrize(
    ("value", "message", "code"),
    [
        ("100.005", "deux chiffres après la virgule", "sub_cent"),
        (Decimal("0.001"), "deux chiffres après la virgule", "sub_cent"),
        ("NaN", "Montant invalide", "bad_amount"),
        ("nan", "Montant invalide", "bad_amount"),
        (Decimal("NaN"), "Montant invalide", "bad_amount"),
        ("Infinity", "Montant invalide", "bad_amount"),
        ("-inf", "Montant invalide", "bad_amount"),
        (Decimal("Infinity"), "Montant invalide", "bad_amount"),
        ("1e3", "Montant invalide", "bad_amount"),
        ("1E+3", "Montant invalide", "bad_amount"),
        ("", "Indiquez un montant", "amount_required"),
        ("   ", "Indiquez un montant", "amount_required"),
        (None, "Indiquez un montant", "amount_required"),
        ("abc", "Montant invalide", "bad_amount"),
        ("12 euros 50", "Montant invalide", "bad_amount"),
        ("1.000,50", "Montant invalide", "bad_amount"),  # which separator is decimal: not guessed
        ("1,000.50", "Montant invalide", "bad_amount"),
        ("0x10", "Montant invalide", "bad_amount"),
        (True, "Montant invalide", "bad_amount"),
        ([100], "Montant invalide", "bad_amount"),
        ("99999999999", "hors limites", "bad_amount"),
        ("9" * 40, "Montant invalide", "bad_amount"),
        ("-5", "ne peut pas être négatif", "negative"),
    ],
)
def test_bad_amounts_are_refused_in_french_at_the_field(value, message, code):
    with pytest.raises(DomainError, match=message) as refused:
        parse_amount(value, field="envelope")
    assert refused.value.field == "envelope" and refused.value.code == code and refused.value.status == 400


def test_zero_and_negatives_follow_the_caller():
    with pytest.raises(DomainError, match="doit être positif"):
        parse_amount("0", allow_zero=False)
    with pytest.raises(DomainError, match="doit être positif"):
        parse_amount("-1", allow_zero=False)
    assert parse_amount("-1,50", allow_negative=True) == Decimal("-1.50")


def test_half_up_is_the_one_rounding_of_computed_shares():
    assert half_up_cents(Decimal("2.345")) == Decimal("2.35")  # banker's rounding would give 2.34
    assert half_up_cents(Decimal("0.015")) == Decimal("0.02")
    assert half_up_cents(Decimal("0.0149")) == Decimal("0.01")
    assert half_up_cents(Decimal("-0.005")) == Decimal("-0.01")  # half away from zero


def test_a_share_limit_compares_exact_values():
    # 70.04 of 100.05 is 70.005 %: above 70 %, even though 70 % of 100.05 rounds half-up to 70.04
    assert exceeds_share(Decimal("70.04"), Decimal("100.05"), Decimal("70"))
    assert not exceeds_share(Decimal("70.03"), Decimal("100.05"), Decimal("70"))
    assert not exceeds_share(Decimal("70.00"), Decimal("100.00"), Decimal("70"))
    assert share_ceiling(Decimal("100.05"), Decimal("70")) == Decimal("70.03")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ([70, 30], [Decimal(70), Decimal(30)]),
        ([100], [Decimal(100)]),
        ([33.33, 33.33, 33.34], [Decimal("33.33"), Decimal("33.33"), Decimal("33.34")]),
        ((Decimal("50"), Decimal("50")), [Decimal(50), Decimal(50)]),
    ],
)
def test_a_split_is_positive_shares_summing_to_100(value, expected):
    assert parse_split(value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ([150, 50], "entre 0 et 100"),
        ([70, -30, 60], "entre 0 et 100"),
        (["abc"], "est un nombre"),
        (["70", "30"], "est un nombre"),
        ("70,30", "une liste de pourcentages"),
        ({"a": 100}, "une liste de pourcentages"),
        (None, "une liste de pourcentages"),
        (100, "une liste de pourcentages"),
        ([], "au moins un versement"),
        ([0, 100], "entre 0 et 100"),
        ([70, 20], "100 % au total"),
        ([60, 60], "100 % au total"),
        ([True, 99], "est un nombre"),
        ([float("nan"), 100], "entre 0 et 100"),
        ([33.333, 66.667], "deux décimales"),
        ([1] * 100, "Pas plus de 12 versements"),
    ],
)
def test_bad_splits_are_refused_in_french(value, message):
    with pytest.raises(DomainError, match=message) as refused:
        parse_split(value)
    assert refused.value.field == "tranche_split" and refused.value.code == "bad_split"


def test_what_staff_type_in_the_form_is_read_as_a_split():
    assert parse_split_text("70, 30") == [Decimal(70), Decimal(30)]
    assert parse_split_text("33,33 ; 33,33 ; 33,34") == [Decimal("33.33"), Decimal("33.33"), Decimal("33.34")]
    assert parse_split_text("") == []
    with pytest.raises(DomainError, match="séparés par des virgules"):
        parse_split_text("70 puis 30")
    with pytest.raises(DomainError, match="ici 90 %"):
        parse_split_text("70, 20")


@pytest.mark.parametrize(
    ("total", "shares", "expected"),
    [
        ("15000.00", [70, 30], ["10500.00", "4500.00"]),
        ("12345.67", [70, 30], ["8641.97", "3703.70"]),
        ("0.05", [50, 50], ["0.03", "0.02"]),
        ("0.06", [17, 17, 17, 17, 17, 15], ["0.01", "0.01", "0.01", "0.01", "0.01", "0.01"]),
    ],
)
def test_tranches_add_up_to_the_award(total, shares, expected):
    assert split_amount(Decimal(total), shares) == [Decimal(a) for a in expected]


def test_a_split_never_gives_a_tranche_below_one_cent():
    # 17/17/17/17/17/15 % of €0.03 used to give five tranches of €0.01 and one of -€0.02
    with pytest.raises(DomainError, match="trop petit pour être versé en 6 tranches") as refused:
        split_amount(Decimal("0.03"), [17, 17, 17, 17, 17, 15])
    assert refused.value.code == "tranche_too_small"
    with pytest.raises(DomainError, match="trop petit"):
        split_amount(Decimal("0.01"), [50, 50])


def test_percentages_are_read_exactly():
    assert parse_percent("70", field="rate") == Decimal("70.00")
    assert parse_percent("12,5", field="rate") == Decimal("12.50")
    for bad in ("130", "-1", "abc", "NaN", "", None, "12.345"):
        with pytest.raises(DomainError, match="entre 0 et 100"):
            parse_percent(bad, field="rate")
