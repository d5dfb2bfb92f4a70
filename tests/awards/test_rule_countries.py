"""A cofinancing rule's countries: a two-letter code or empty, checked by the service whatever the interface."""

from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from awards.models import CofinancingRule
from awards.services import save_rule
from forim_portal.errors import DomainError

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("value", [12, "12", [], "Maroc", "ZZ", "MAR"])
def test_the_service_refuses_what_is_not_a_country_code(ccme, call, staff_user, value):
    with pytest.raises(DomainError) as refusal:
        save_rule(
            by=staff_user,
            partner=ccme,
            programme=call.programme,
            name="Règle",
            diaspora_country=value,
            project_country="MA",
            rate=Decimal("30"),
            cap=None,
            is_active=True,
        )
    assert refusal.value.field == "diaspora_country" and "Pays inconnu" in refusal.value.message
    assert not CofinancingRule.objects.exists()


def test_the_service_keeps_a_code_and_empty_for_every_country(ccme, call, staff_user):
    rule = save_rule(
        by=staff_user,
        partner=ccme,
        programme=call.programme,
        name="Règle",
        diaspora_country="ma",
        project_country="",
        rate=Decimal("30"),
        cap=None,
        is_active=True,
    )
    rule.refresh_from_db()
    assert (rule.diaspora_country.code, rule.project_country.code) == ("MA", "")


@pytest.mark.parametrize("value", [12, []])
def test_the_api_answers_a_french_400_and_writes_nothing(ccme, call, staff_user, value):
    client = APIClient()
    client.force_authenticate(staff_user)
    body = {
        "partner": ccme.pk,
        "programme": call.programme_id,
        "name": "Règle",
        "diaspora_country": value,
        "project_country": "MA",
        "rate": "30",
    }
    response = client.post("/api/v1/awards/cofinancing-rules/", body, format="json")
    assert response.status_code == 400
    assert "diaspora_country" in str(response.json())
    assert not CofinancingRule.objects.exists()
