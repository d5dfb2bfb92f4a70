"""Bad input answers a clear JSON 4xx, never a 500: through the shared pieces, and on every list."""

import pytest
from rest_framework.test import APIClient

from grants.models import Programme
from tests.factories import ProgrammeFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.api.urls")]
URL = "/api/test/programmes/"


@pytest.fixture
def api(staff_user):
    client = APIClient()
    client.force_authenticate(staff_user)
    return client


def assert_json_4xx(response, status):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    return response.json()


def test_malformed_json_is_a_400_in_french(api):
    body = assert_json_4xx(api.post(URL, '{"code": "PRA",', content_type="application/json"), 400)
    assert "JSON valide" in body["detail"]
    assert not Programme.objects.exists()


def test_body_that_is_not_an_object_is_a_400(api):
    body = assert_json_4xx(api.post(URL, "[1, 2]", content_type="application/json"), 400)
    assert "objet JSON" in str(body)


def test_unknown_field_is_refused_not_ignored(api):
    body = assert_json_4xx(api.post(URL, {"code": "pra", "name": "PRA/OSIM", "colour": "red"}, format="json"), 400)
    assert body == {"colour": ["Champ inconnu ou en lecture seule."]}
    assert not Programme.objects.exists()


def test_read_only_field_is_refused_on_update(api):
    programme = ProgrammeFactory()
    body = assert_json_4xx(api.patch(f"{URL}{programme.pk}/", {"id": 999}, format="json"), 400)
    assert "id" in body
    assert Programme.objects.get().pk == programme.pk


def test_wrong_types_are_a_400_per_field(api):
    body = assert_json_4xx(api.post(URL, {"code": ["x"], "name": {"a": 1}, "is_active": "peut-être"}, format="json"), 400)
    assert set(body) == {"code", "name", "is_active"}


def test_a_good_write_still_works(api):
    response = api.post(URL, {"code": "pra", "name": "PRA/OSIM"}, format="json")
    assert response.status_code == 201
    assert Programme.objects.get().name == "PRA/OSIM"


@pytest.mark.parametrize("size", ["100000", "0", "-3", "abc", "201"])
def test_page_size_out_of_bounds_is_a_400(api, size):
    body = assert_json_4xx(api.get(URL, {"page_size": size}), 400)
    assert "page_size" in body


def test_page_size_within_bounds_pages(api):
    for number in range(3):
        ProgrammeFactory(code=f"p{number}")
    body = api.get(URL, {"page_size": 2}).json()
    assert body["count"] == 3 and len(body["results"]) == 2


def test_page_past_the_end_is_a_404_json(api):
    assert_json_4xx(api.get(URL, {"page": 99}), 404)


def test_unknown_filter_is_a_400_naming_the_accepted_ones(api):
    body = assert_json_4xx(api.get(URL, {"colour": "red"}), 400)
    assert "colour" in body and "is_active" in body["colour"][0]


def test_range_filters_accept_their_suffixed_params(api):
    programmes = [ProgrammeFactory(code=f"p{number}") for number in range(3)]
    body = api.get(URL, {"id_range_min": programmes[1].pk, "id_range_max": programmes[2].pk}).json()
    assert [row["code"] for row in body["results"]] == ["p1", "p2"]
    assert_json_4xx(api.get(URL, {"id_range": "1"}), 400)


def test_bad_filter_value_is_a_400(api):
    body = assert_json_4xx(api.get(URL, {"id": "abc"}), 400)
    assert "id" in body


def test_unknown_ordering_is_a_400(api):
    body = assert_json_4xx(api.get(URL, {"ordering": "password"}), 400)
    assert "ordering" in body


def test_huge_integer_in_the_url_is_a_404_not_a_500(api):
    assert_json_4xx(api.get(f"{URL}99999999999999999999999/"), 404)


def test_anonymous_gets_a_401_json(db):
    response = APIClient().get(URL)
    body = assert_json_4xx(response, 401)
    assert body["detail"]
    assert response["WWW-Authenticate"].startswith("Bearer")


def list_routes():
    """Every list endpoint (a generic viewset) the apps registered under /api/v1/."""
    from rest_framework.generics import GenericAPIView

    from forim_portal.api_urls import router

    return sorted({prefix for prefix, viewset, _basename in router.registry if issubclass(viewset, GenericAPIView)})


@pytest.mark.urls("forim_portal.urls")
@pytest.mark.parametrize("prefix", list_routes())
def test_every_registered_list_refuses_huge_pages_and_unknown_filters(api, prefix):
    """The shared backends hold on each app's endpoints (unless a viewset opts out of them)."""
    url = f"/api/v1/{prefix}/"
    response = api.get(url, {"page_size": "100000"})
    assert response.status_code in (400, 405), (url, response.status_code)
    response = api.get(url, {"pas_un_filtre": "1"})
    assert response.status_code in (400, 405), (url, response.status_code)


@pytest.mark.parametrize("kind, status, expected", [
    ("domain", 400, {"detail": "Le dossier est déjà déposé.", "code": "already_submitted", "field": "status"}),
    ("conflict", 409, {"detail": "Quelqu'un a modifié ce dossier avant vous.", "code": "refused"}),
    ("integrity", 409, {"detail": "Cette opération entre en conflit avec des données existantes.", "code": "conflict"}),
    ("overflow", 400, {"detail": ["Une valeur est hors des limites acceptées."]}),
])
def test_errors_raised_deep_in_a_view_become_json_4xx(api, kind, status, expected):
    assert assert_json_4xx(api.get(f"/api/test/raise/{kind}/"), status) == expected
