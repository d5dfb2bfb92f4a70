import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from grants.states import State
from tests.factories import ApplicationFactory, CallFactory

pytestmark = pytest.mark.django_db


def titles(response):
    return {application.title for application in response.context["page"].object_list}


def test_public_page_lists_consenting_laureates_of_past_calls_only(client, programme):
    open_call = CallFactory(year=2026, deadline=timezone.now() + datetime.timedelta(days=5))
    ApplicationFactory(call=open_call, status=State.AWARDED, publish_consent=True, title="Appel en cours")
    response = client.get(reverse("dashboards:laureates"))
    assert response.status_code == 200
    # Not shown: no consent (Taroudant), rejected, under review, draft, call still open.
    assert titles(response) == {"Forage à Matam", "Maternité de Jacmel"}
    html = response.content.decode()
    assert "Matam" in html and "Association des Marocains en France" in html
    assert "12000" not in html and "12 000" not in html  # no amounts asked on the public page


def test_public_page_filters_by_country_sector_year_and_text(client, programme):
    url = reverse("dashboards:laureates")
    assert titles(client.get(url, {"country": "HT"})) == {"Maternité de Jacmel"}
    assert titles(client.get(url, {"sector": "water"})) == {"Forage à Matam"}
    assert titles(client.get(url, {"year": "2024"})) == {"Forage à Matam"}
    assert titles(client.get(url, {"q": "jacmel"})) == {"Maternité de Jacmel"}


def test_bad_filter_value_is_a_400_with_the_form_not_a_crash(client, programme):
    response = client.get(reverse("dashboards:laureates"), {"country": "ZZ", "year": "abc"})
    assert response.status_code == 400
    assert response.context["filter"].errors
    assert titles(response) == set()


def test_open_data_csv_is_comma_separated_utf8_with_the_same_rows(client, programme):
    response = client.get(reverse("dashboards:laureates_csv"), {"sector": "water"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert not response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))
    assert [(row["projet"], row["pays_code"], row["secteur_code"], row["annee"]) for row in rows] == [
        ("Forage à Matam", "SN", "water", "2024")
    ]
    assert rows[0]["localite"] == "Matam"
    everything = client.get(reverse("dashboards:laureates_csv")).content.decode()
    assert "Taroudant" not in everything and "Jacmel" in everything


def test_public_list_query_count_is_constant(client, programme, calls, django_assert_max_num_queries):
    with django_assert_max_num_queries(8) as few:
        client.get(reverse("dashboards:laureates"))
    ApplicationFactory.create_batch(30, call=calls[2024], status=State.CLOSED, publish_consent=True,
                                    awarded_amount=Decimal("1000.00"))
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("dashboards:laureates"))
    assert len(response.context["page"].object_list) == 32
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("dashboards:laureates_csv"))
