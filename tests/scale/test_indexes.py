"""Indexes the big lists' filters need, whatever the database (their plans are checked on PostgreSQL in test_query_plans)."""

import pytest
from django.db import connection


@pytest.mark.django_db
def test_users_are_indexed_on_their_role():
    """The reviewer picker filters users on their role, in name order."""
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, "accounts_user")
    assert any(c["index"] and c["columns"][:1] == ["role"] for c in constraints.values())
