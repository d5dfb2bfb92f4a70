import pytest
from django.core.exceptions import ValidationError

from members.validators import luhn_ok, normalise_rna, validate_rna, validate_siret


@pytest.mark.parametrize("value", ["W751000201", "W000000000"])
def test_valid_rna(value):
    validate_rna(value)


@pytest.mark.parametrize("value", ["", "751000201", "W75100020", "W7510002011", "X751000201", "w751000201", "W75100020A"])
def test_bad_rna_is_refused_in_french(value):
    with pytest.raises(ValidationError) as error:
        validate_rna(value)
    assert "W suivi de 9 chiffres" in error.value.messages[0]


def test_rna_typed_with_spaces_is_normalised():
    assert normalise_rna(" w 751 000 201 ") == "W751000201"


def test_siret_luhn():
    validate_siret("73282932000074")  # a real, Luhn-valid SIRET
    assert luhn_ok("73282932000074")
    with pytest.raises(ValidationError) as error:
        validate_siret("73282932000075")
    assert "clé de contrôle" in error.value.messages[0]
    with pytest.raises(ValidationError) as error:
        validate_siret("7328293200007")
    assert "14 chiffres" in error.value.messages[0]
