"""Bad input answers a clear JSON 4xx, never a 500: through the shared pieces, and on every list."""

import io
import json

import pytest
from rest_framework.test import APIClient

from grants.models import Programme
from tests.bad_input import describe, is_french, junk_for, rolled_back
from tests.conftest import login
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


# --- every write endpoint of the schema, fed junk as the role allowed to write ---------------------

DEMO_ROLES = [
    "instruction@example.org", "association@example.org", "operateur@example.org", "evaluateur@example.org",
    "partenaire@example.org", "coordination@example.org", "admin@example.org",
]
BODY_JUNK = ["", "null", "[1, 2]", '"abc"', '{"a":', "1e999"]


def _write_operations(client):
    schema = json.loads(client.get("/api/schema/?format=json").content)
    components = schema["components"]["schemas"]
    for path, operations in sorted(schema["paths"].items()):
        for method, operation in operations.items():
            if method not in ("post", "put", "patch"):
                continue
            content = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
            ref = content.get("schema", {}).get("$ref", "")
            properties = components.get(ref.rsplit("/", 1)[-1], {}).get("properties", {}) if ref else {}
            writable = {name: spec for name, spec in properties.items() if not spec.get("readOnly")}
            yield path, method, writable


def _resolve(spec, components):
    ref = spec.get("$ref") or next((item.get("$ref") for item in spec.get("allOf", []) + spec.get("oneOf", [])), None)
    return {**components[ref.rsplit("/", 1)[-1]], **{k: v for k, v in spec.items() if k != "$ref"}} if ref else spec


def _first_id(api, path):
    """An object the current user can reach behind `{id}`: the first of the list above it."""
    listing = path.split("{id}")[0]
    response = api.get(listing)
    if response.status_code != 200:
        return None
    body = response.json()
    rows = body.get("results", body) if isinstance(body, dict) else body
    return rows[0]["id"] if rows and isinstance(rows[0], dict) and "id" in rows[0] else None


def _base_body(api, path, method, url, writable):
    """What a well-behaved client would send: the object as the API shows it, writable fields only."""
    if method == "patch":
        return {}
    source = url if "{id}" in path and path.endswith("{id}/") else None
    if source is None and "{id}" not in path:
        response = api.get(path)
        body = response.json() if response.status_code == 200 else {}
        rows = body.get("results", []) if isinstance(body, dict) else []
        shown = rows[0] if rows else {}
    else:
        response = api.get(source) if source else None
        shown = response.json() if response is not None and response.status_code == 200 else {}
    return {name: value for name, value in shown.items() if name in writable}


def _send(api, method, url, body, raw=False):
    send = getattr(api, method)
    if raw:
        return rolled_back(send, url, body, content_type="application/json")
    return rolled_back(send, url, body, format="json")


def _writer(path, method, writable):
    """The first demo role the endpoint lets write (not 401/403/404/405), with the URL it writes to."""
    from accounts.models import User

    for email in DEMO_ROLES:
        api = APIClient(raise_request_exception=False)
        api.force_authenticate(User.objects.get(email=email))
        url = path
        if "{id}" in path:
            object_id = _first_id(api, path)
            if object_id is None:
                continue
            url = path.replace("{id}", str(object_id))
        base = _base_body(api, path, method, url, writable)
        if _send(api, method, url, base).status_code not in (401, 403, 404, 405):
            return api, url, base, email
    return None, None, None, None


def refusal_problem(response, *, junk_must_be_refused=True):
    """What is wrong with the answer to junk: a 500, junk accepted, or a refusal not in French."""
    text = response.content.decode(errors="replace")
    if response.status_code >= 500:
        return f"{response.status_code}"
    if response.status_code < 400:
        return f"accepted ({response.status_code})" if junk_must_be_refused else None
    return None if is_french(text) else f"{response.status_code} not French: {text[:100]}"


# Found by the walk below (issue 13): each entry is (method, path, field or "body"). All were fixed; an entry
# added here must be fixed too, and the test fails once it is refused properly, so the list only shrinks.
KNOWN_GAPS = {}


@pytest.fixture
def demo(db):
    from django.core.management import call_command

    call_command("load_demo", stdout=io.StringIO())


@pytest.mark.urls("forim_portal.urls")
def test_every_api_write_answers_junk_with_a_french_4xx(demo, client):
    """Every POST/PUT/PATCH of the schema, as the first demo role it lets write: junk in each field, junk bodies."""
    from accounts.models import User

    login(client, User.objects.get(email="instruction@example.org"))
    components = json.loads(client.get("/api/schema/?format=json").content)["components"]["schemas"]
    problems, unreachable, probes = {}, [], 0
    for path, method, writable in _write_operations(client):
        api, url, base, email = _writer(path, method, writable)
        if api is None:
            unreachable.append(f"{method.upper()} {path}")
            continue
        for body in BODY_JUNK:  # an action that takes no body may ignore it, but never answers 500 or in English
            probes += 1
            problem = refusal_problem(_send(api, method, url, body, raw=True), junk_must_be_refused=False)
            if problem:
                problems.setdefault((method, path, "body"), []).append(f"{describe(body)} as {email}: {problem}")
        for name, spec in writable.items():
            for value in junk_for(_resolve(spec, components)):
                probes += 1
                problem = refusal_problem(_send(api, method, url, {**base, name: value}))
                if problem:
                    problems.setdefault((method, path, name), []).append(f"{describe(value)} as {email}: {problem}")
    assert probes > 300
    new = {key: found for key, found in problems.items() if key not in KNOWN_GAPS}
    assert not new, "\n".join(f"{m.upper()} {p} {n}: {found}" for (m, p, n), found in sorted(new.items()))
    fixed = sorted(set(KNOWN_GAPS) - set(problems))
    assert not fixed, f"now refused properly, remove from KNOWN_GAPS: {fixed}"
    assert unreachable == [], unreachable
