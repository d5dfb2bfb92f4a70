"""The API keeps its published schema: schemathesis drives every operation from `/api/schema/`.

The schema is loaded from the running WSGI application, the demo data is loaded, and the
caller is the demo staff member with a personal token (as after their second factor). Every
operation gets a few generated requests (a fixed seed, so every run sends the same ones): on
`{id}` paths half of them name an object of the demo data, the other half a made-up id. Valid
(positive) requests test what the schema promises; for writes, invalid (negative) ones test
that junk is refused with a 4xx. Each request runs in a savepoint rolled back afterwards, so
one operation's writes never change what the next one sees.

It fails on any 5xx, any undeclared status code or content type, and any body that does not
match its declared schema.
"""

import io
import os
import re
import time

import hypothesis
import pytest
import schemathesis
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from werkzeug import Client

from accounts.models import User
from accounts.tokens import create_token

pytestmark = pytest.mark.django_db

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
# SCHEMATHESIS_SCALE=10 for a longer local hunt; CI runs the bounded default.
SCALE = int(os.environ.get("SCHEMATHESIS_SCALE", "1"))
EXAMPLES = {method: count * SCALE for method, count in {"get": 6, "delete": 4, "post": 8, "put": 8, "patch": 8}.items()}
NEGATIVE_EXAMPLES = 4 * SCALE
# Well under the two minutes the whole run may take on CI's machine.
BUDGET_SECONDS = 100
ID_PATH = re.compile(r"^(?P<collection>/api/v1/.+?/)\{id\}/")


@pytest.fixture
def staff_key(db):
    call_command("load_demo", stdout=io.StringIO())
    staff = User.objects.get(email="instruction@example.org")
    token, key = create_token(user=staff, name="schemathesis")
    # As if made in a session that gave its second factor (staff must).
    token.second_factor_ok = True
    token.save(update_fields=["second_factor_ok"])
    return key


@pytest.fixture
def wsgi_app():
    """The real WSGI application, calling into this test's transaction (as Django's test client does)."""
    from forim_portal.wsgi import application

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield application
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def demo_ids(client_call, collection):
    """Ids of the first demo objects the staff member sees in a collection (empty if none)."""
    response = client_call(collection)
    if response.status_code != 200:
        return []
    body = response.json
    rows = body["results"] if isinstance(body, dict) else body
    return [row["id"] for row in rows[:5] if isinstance(row, dict) and "id" in row]


def strategy_for(operation, mode, ids):
    plain = operation.as_strategy(generation_mode=mode)
    if not ids:
        return plain
    on_demo = st.sampled_from(ids).flatmap(
        lambda pk: operation.as_strategy(generation_mode=mode, path_parameters={"id": pk})
    )
    return st.one_of(on_demo, plain)


def run_operation(operation, mode, examples, headers, ids):
    failures = []

    @hypothesis.settings(
        max_examples=examples,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate],
        suppress_health_check=list(hypothesis.HealthCheck),
    )
    @hypothesis.given(case=strategy_for(operation, mode, ids))
    def examples_of(case):
        with transaction.atomic():
            try:
                case.call_and_validate(headers=headers, checks=CHECKS)
            except (Exception, BaseExceptionGroup) as error:  # every failure is collected, then reported at once
                failures.append(f"{case.method} {case.formatted_path} {mode.value}: {error}")
            transaction.set_rollback(True)

    try:
        examples_of()
    except (Exception, BaseExceptionGroup) as error:  # generation itself failed (e.g. a schema it cannot satisfy)
        failures.append(f"{operation.label} {mode.value}: {type(error).__name__}: {error}")
    return failures


def test_every_operation_keeps_the_published_schema(staff_key, wsgi_app):
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", wsgi_app)
    headers = {"Authorization": f"Bearer {staff_key}"}
    client = Client(wsgi_app)

    def get(path):
        return client.get(path, headers=headers)

    started = time.monotonic()
    operations = [result.ok() for result in schema.get_all_operations()]
    failures, tested = [], []
    for operation in operations:
        match = ID_PATH.match(operation.path)
        ids = demo_ids(get, match["collection"]) if match else []
        modes = [(GenerationMode.POSITIVE, EXAMPLES[operation.method.lower()])]
        if operation.method.lower() in ("post", "put", "patch"):
            modes.append((GenerationMode.NEGATIVE, NEGATIVE_EXAMPLES))
        for mode, examples in modes:
            failures += run_operation(operation, mode, examples, headers, ids)
        tested.append(operation.label)
    elapsed = time.monotonic() - started
    print(f"schemathesis: {len(tested)} operations in {elapsed:.0f}s, {len(failures)} failures")
    assert len(tested) >= 60
    assert not failures, "\n\n".join(failures)
    assert elapsed < BUDGET_SECONDS * SCALE


def test_the_served_schema_is_valid_and_declares_the_error_answers(client):
    from drf_spectacular.validation import validate_schema

    schema = client.get("/api/schema/?format=json").json()
    validate_schema(schema)
    override = schema["paths"]["/api/v1/awards/top-ups/{id}/override/"]["post"]
    assert override["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/TopUp"
    }
    assert sorted(override["responses"]) == ["200", "400", "401", "403", "404", "409", "415", "429"]
    assert schema["components"]["schemas"]["OverrideRequest"]["additionalProperties"] is False
    me = schema["paths"]["/api/v1/me/"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert me == {"$ref": "#/components/schemas/Me"}
