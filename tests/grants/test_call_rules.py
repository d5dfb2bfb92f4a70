"""A call's settings are written through `grants.services.save_call` whatever the interface:
the API, the staff page and the admin refuse what the service refuses, in French, and save nothing."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from forim_portal.errors import DomainError
from grants import services
from grants.models import Call, Programme
from tests.conftest import login

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_api(staff_user):
    api = APIClient()
    api.force_authenticate(staff_user)
    return api


def refusal(response):
    """(field, French message) of a 400: the service's answer, or the serializer's for a malformed value."""
    body = response.json()
    if "field" in body:
        return body["field"], body["detail"]
    field, messages = next(iter(body.items()))
    return field, " ".join(messages)


def stored(call):
    return Call.objects.values("tranche_split", "min_total_budget", "max_total_budget", "opens_at", "deadline").get(
        pk=call.pk
    )


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"tranche_split": [150, 50]}, "tranche_split", "entre 0 et 100"),
        ({"tranche_split": [70, -30, 60]}, "tranche_split", "entre 0 et 100"),
        ({"tranche_split": ["abc"]}, "tranche_split", "est un nombre"),
        ({"tranche_split": "70,30"}, "tranche_split", "une liste de pourcentages"),
        ({"tranche_split": [70, 20]}, "tranche_split", "100 % au total"),
        ({"min_total_budget": "50000.00", "max_total_budget": "10000.00"}, "max_total_budget", "budget total minimal"),
        ({"max_grant_share": "170"}, "max_grant_share", "inférieure ou égale à 100"),  # the model field's own bound
        ({"max_grant_share": "99.999"}, "max_grant_share", "après la virgule"),
        ({"envelope": "-1"}, "envelope", "négatif"),
        ({"max_grant": "0"}, "max_grant", "positive"),
    ],
)
def test_the_api_refuses_bad_call_settings_in_french_and_saves_nothing(staff_api, call, body, field, message):
    before = stored(call)
    response = staff_api.patch(f"/api/v1/calls/{call.pk}/", body, format="json")
    assert response.status_code == 400
    assert refusal(response)[0] == field and message in refusal(response)[1]
    assert stored(call) == before


def test_the_api_refuses_a_deadline_before_the_opening(staff_api, call):
    before = stored(call)
    response = staff_api.patch(
        f"/api/v1/calls/{call.pk}/",
        {"deadline": (call.opens_at - datetime.timedelta(days=1)).isoformat()},
        format="json",
    )
    assert response.status_code == 400 and "après l'ouverture" in response.json()["detail"]
    assert stored(call) == before


def test_the_api_saves_a_good_split_and_budget(staff_api, call):
    response = staff_api.patch(
        f"/api/v1/calls/{call.pk}/", {"tranche_split": [33.33, 33.33, 33.34], "min_total_budget": "5000"}, format="json"
    )
    assert response.status_code == 200
    assert stored(call)["tranche_split"] == [33.33, 33.33, 33.34]
    assert stored(call)["min_total_budget"] == Decimal("5000.00")


def test_the_api_creates_calls_through_the_service_too(staff_api, call):
    body = {
        "programme": call.programme_id,
        "year": 2028,
        "title": "Appel 2028",
        "opens_at": "2028-01-01T09:00:00Z",
        "deadline": "2028-03-01T12:00:00Z",
        "tranche_split": [60, 60],
        "eligible_countries": [],
        "excluded_countries": [],
    }
    response = staff_api.post("/api/v1/calls/", body, format="json")
    assert response.status_code == 400 and response.json()["field"] == "tranche_split"
    assert not Call.objects.filter(year=2028).exists()
    response = staff_api.post("/api/v1/calls/", {**body, "tranche_split": [60, 40]}, format="json")
    assert response.status_code == 201
    assert Call.objects.get(year=2028).tranche_split == [60, 40]


def test_only_staff_save_calls_and_programmes(call, applicant):
    with pytest.raises(DomainError) as refused:
        services.save_call(by=applicant, call=call, max_grant=Decimal("1"))
    assert refused.value.status == 403
    with pytest.raises(DomainError) as refused:
        services.save_programme(by=applicant, code="X", name="X")
    assert refused.value.status == 403
    assert Call.objects.get(pk=call.pk).max_grant == Decimal("15000.00")


def test_the_service_refuses_unknown_fields(call, staff_user):
    with pytest.raises(DomainError, match="Champ inconnu : last_reference_number"):
        services.save_call(by=staff_user, call=call, last_reference_number=99)


def form_data(call, **changes):
    """What the staff page and the admin post for this call, the numbers as staff type them."""
    return {
        "programme": call.programme_id,
        "year": call.year,
        "title": call.title,
        "description": "",
        "envelope": "750000",
        "max_grant": "15000",
        "max_grant_share": "70",
        "min_total_budget": "0",
        "max_total_budget": "120000",
        "min_association_age_months": "0",
        "max_duration_months": "24",
        "reviewers_per_application": "2",
        "criteria-TOTAL_FORMS": "0",
        "criteria-INITIAL_FORMS": "0",
        **changes,
    }


def page_data(call, **changes):
    opens, deadline = (timezone.localtime(call.opens_at), timezone.localtime(call.deadline))
    page = {
        "opens_at": f"{opens:%Y-%m-%dT%H:%M}",
        "deadline": f"{deadline:%Y-%m-%dT%H:%M}",
        "sectors": ["water"],
        "tranche_split": "70, 30",
    }
    return form_data(call, **{**page, **changes})


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"min_total_budget": "50000", "max_total_budget": "10000"}, "budget total minimal"),
        ({"tranche_split": "17, 17, 17, 17, 17, 16"}, "ici 101 %"),
        ({"tranche_split": "70 puis 30"}, "séparés par des virgules"),
    ],
)
def test_the_staff_page_shows_the_service_refusal(client, staff_user, call, changes, message):
    before = stored(call)
    response = login(client, staff_user).post(reverse("grants:call_edit", args=[call.pk]), page_data(call, **changes))
    assert response.status_code == 400 and message in response.content.decode()  # a refusal is a 4xx (issue 13)
    assert stored(call) == before


def test_the_staff_page_saves_decimal_shares(client, staff_user, call):
    response = login(client, staff_user).post(
        reverse("grants:call_edit", args=[call.pk]), page_data(call, tranche_split="33,33 ; 33,33 ; 33,34")
    )
    assert response.status_code == 302
    assert stored(call)["tranche_split"] == [33.33, 33.33, 33.34]


def admin_data(call, **changes):
    opens, deadline = (timezone.localtime(call.opens_at), timezone.localtime(call.deadline))
    return form_data(
        call,
        **{
            "opens_at_0": f"{opens:%d/%m/%Y}",
            "opens_at_1": "09:00:00",
            "deadline_0": f"{deadline:%d/%m/%Y}",
            "deadline_1": "12:00:00",
            "sectors": "[]",
            "required_documents": "[]",
            "tranche_split": "[70, 30]",
            "criteria-MIN_NUM_FORMS": "0",
            "criteria-MAX_NUM_FORMS": "1000",
            "currency_rates-TOTAL_FORMS": "0",  # the call's exchange rates (an inline of the admin page)
            "currency_rates-INITIAL_FORMS": "0",
            **changes,
        },
    )


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"tranche_split": "[150, 50]"}, "entre 0 et 100"),
        ({"tranche_split": '"70,30"'}, "une liste de pourcentages"),
        ({"min_total_budget": "50000", "max_total_budget": "10000"}, "budget total minimal"),
    ],
)
def test_the_admin_refuses_what_the_service_refuses(client, admin_user, call, changes, message):
    before = stored(call)
    response = login(client, admin_user).post(
        reverse("admin:grants_call_change", args=[call.pk]), admin_data(call, **changes)
    )
    assert response.status_code == 200 and message in response.content.decode()
    assert stored(call) == before


def test_the_admin_saves_through_the_service(client, admin_user, call):
    response = login(client, admin_user).post(
        reverse("admin:grants_call_change", args=[call.pk]), admin_data(call, tranche_split="[50, 50]")
    )
    assert response.status_code == 302
    assert stored(call)["tranche_split"] == [50, 50]


def test_programmes_are_saved_through_the_service(client, staff_user, call):
    response = login(client, staff_user).post(
        reverse("grants:programme_edit", args=[call.programme_id]),
        {"code": "PRA", "name": "  PRA/OSIM (AFD)  ", "description": "", "is_active": "on"},
    )
    assert response.status_code == 302
    assert Programme.objects.get(pk=call.programme_id).name == "PRA/OSIM (AFD)"
