import csv
import io

import pytest
from django.urls import reverse

from members.models import ActionDomain, FranceAction
from tests.conftest import login

pytestmark = pytest.mark.django_db


@pytest.fixture
def actions(association, network_member):
    return [
        FranceAction.objects.create(organisation=association, title="Forum d'accès aux droits", domain=ActionDomain.RIGHTS,
                                    city="Paris", in_qpv=True, neighbourhood="Château-Rouge", year=2023, region="IDF"),
        FranceAction.objects.create(organisation=network_member, title="Accompagnement vers l'emploi",
                                    domain=ActionDomain.EMPLOYMENT, city="Rennes", year=2022, region="BRE"),
    ]


def titles(response):
    return {action.title for action in response.context["page"].object_list}


def test_an_association_records_an_action(client, applicant, association):
    login(client, applicant)
    response = client.post(reverse("members:action_add", args=[association.pk]), {"title": "", "domain": "culture"})
    assert response.status_code == 400 and not FranceAction.objects.exists()  # refused input: a 4xx
    client.post(
        reverse("members:action_add", args=[association.pk]),
        {"title": "Festival des diasporas", "domain": "culture", "year": "2024", "city": "Saint-Denis", "in_qpv": "on",
         "objectives": "Rassembler", "results": "800 personnes"},
    )
    action = FranceAction.objects.get()
    assert (action.organisation, action.in_qpv, action.region) == (association, True, "IDF")


def test_staff_filter_and_export_actions(client, staff_user, actions):
    login(client, staff_user)
    assert titles(client.get(reverse("members:actions"))) == {a.title for a in actions}
    assert titles(client.get(reverse("members:actions") + "?in_qpv=oui")) == {"Forum d'accès aux droits"}
    assert titles(client.get(reverse("members:actions") + "?domain=employment")) == {"Accompagnement vers l'emploi"}
    assert titles(client.get(reverse("members:actions") + "?region=BRE")) == {"Accompagnement vers l'emploi"}
    response = client.get(reverse("members:actions") + "?in_qpv=oui&export=csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert len(rows) == 2 and rows[1][2] == "Forum d'accès aux droits" and "Château-Rouge" in rows[1]
    api = client.get("/api/v1/france-actions/?domain=rights").json()
    assert [row["title"] for row in api["results"]] == ["Forum d'accès aux droits"]


def test_a_coordinator_sees_the_actions_of_its_network_only(client, coordinator, actions):
    login(client, coordinator)
    assert titles(client.get(reverse("members:actions"))) == {"Accompagnement vers l'emploi"}
    assert [row["title"] for row in client.get("/api/v1/france-actions/").json()["results"]] == ["Accompagnement vers l'emploi"]


def test_an_applicant_cannot_touch_another_associations_action(client, other_applicant, actions, association):
    login(client, other_applicant)
    assert client.get(reverse("members:action_edit", args=[association.pk, actions[0].pk])).status_code == 404
    assert client.post(reverse("members:action_delete", args=[association.pk, actions[0].pk])).status_code == 404
    assert client.get("/api/v1/france-actions/").json()["results"] == []


@pytest.mark.parametrize("count", [5, 50])
def test_actions_list_query_count(client, staff_user, association, django_assert_max_num_queries, count):
    FranceAction.objects.bulk_create(
        FranceAction(organisation=association, title=f"Action {i}", domain=ActionDomain.CULTURE) for i in range(count)
    )
    login(client, staff_user)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("members:actions"))
    assert response.context["page"].paginator.count == count
