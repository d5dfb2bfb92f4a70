"""The OpenAPI schema validates, and the docs load only our own assets (no CDN)."""

import re

import pytest
import yaml
from django.core.management import call_command
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema
from rest_framework.test import APIClient

from tests.conftest import login

pytestmark = pytest.mark.django_db


def test_schema_validates_against_openapi_3(tmp_path):
    target = tmp_path / "schema.yml"
    call_command("spectacular", "--validate", "--file", str(target))
    schema = yaml.safe_load(target.read_text())
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/me/" in schema["paths"]
    assert schema["components"]["securitySchemes"]["apiToken"] == {
        "type": "http", "scheme": "bearer",
        "description": "Jeton personnel créé sur la page « Mon profil » (Authorization: Bearer <clé>).",
    }


def test_the_schema_has_no_warning_at_all():
    """Every app's endpoints, not only the platform's: a warning means clients get a wrong schema."""
    GENERATOR_STATS.reset()
    schema = SchemaGenerator().get_schema(request=None, public=True)
    validate_schema(schema)
    assert list(GENERATOR_STATS._warn_cache) == []


def test_schema_is_served_to_anyone_in_json(client):
    response = APIClient().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    assert response.json()["info"]["title"] == "FORIM portal API"


@pytest.mark.parametrize("logged_in", [False, True])
def test_docs_page_loads_only_local_assets(client, staff_user, logged_in):
    if logged_in:
        login(client, staff_user)
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    external = [url for url in re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)""", html) if re.match(r"(https?:)?//", url)]
    assert external == []
    assert not re.search(r"https?://(?!localhost|testserver)[a-z0-9.-]+\.[a-z]{2,}", html)
    assert "drf_spectacular_sidecar" in html
    assert '<html lang="fr">' in html  # axe-core: a page states its language
