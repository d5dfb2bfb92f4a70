"""The session's user and their memberships, read together.

Every signed-in page reads the user (Django's authentication) and then the organisations the user acts for
(accounts.middleware, the layout's organisation switch and the "member of this organisation?" checks). Two
ORM queries cost about 3 ms of Python and two round trips on each request; one SQL statement built once,
user LEFT JOIN memberships LEFT JOIN organisations, costs under 1 ms. The rows are turned into model
instances through each field's database converters, as the ORM would, so SQLite and PostgreSQL give the
same objects (tests/accounts/test_backends.py compares them field by field with the ORM's).
"""

import functools

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend
from django.db import connections, router

from members.models import Membership, Organisation

LOADED_KEY = "memberships_loaded"  # on the user object, taken once by accounts.middleware


class ModelBackend(DjangoModelBackend):
    """Django's ModelBackend (password sign-in unchanged); `get_user`, asked on every request, reads the
    memberships in the same query and leaves them on the user for the middleware."""

    def get_user(self, user_id):
        user = user_with_memberships(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None


def user_with_memberships(user_id):
    """The user (None when unknown) with `memberships_loaded`: their memberships, each with its organisation,
    ordered as `accounts.middleware._membership_rows` orders them (organisation name, then id)."""
    model = get_user_model()
    alias = router.db_for_read(model)
    connection = connections[alias]
    sql, parts = _statement(connection)
    with connection.cursor() as cursor:
        cursor.execute(sql, [user_id])
        rows = cursor.fetchall()
    if not rows:
        return None
    (user_part, membership_part, organisation_part) = parts
    user = user_part.instance(alias, rows[0], connection)
    memberships = []
    for row in rows:
        if row[membership_part.start] is None:  # no membership: the LEFT JOIN's single empty row
            break
        membership = membership_part.instance(alias, row, connection)
        organisation = organisation_part.instance(alias, row, connection)
        Membership.organisation.field.set_cached_value(membership, organisation)
        Membership.user.field.set_cached_value(membership, user)
        memberships.append(membership)
    setattr(user, LOADED_KEY, memberships)
    return user


class _Part:
    """One model's columns in the joined row: where they start, their names and their converters."""

    def __init__(self, model, start, connection):
        self.model, self.start = model, start
        self.table = connection.ops.quote_name(model._meta.db_table)
        fields = model._meta.concrete_fields
        self.attnames = [field.attname for field in fields]
        self.columns = [f"{self.table}.{connection.ops.quote_name(field.column)}" for field in fields]
        self.converters = []
        for index, field in enumerate(fields):
            column = field.get_col(model._meta.db_table)
            found = connection.ops.get_db_converters(column) + field.get_db_converters(connection)
            if found:
                self.converters.append((index, column, found))

    def instance(self, alias, row, connection):
        values = list(row[self.start:self.start + len(self.attnames)])
        for index, column, converters in self.converters:
            for converter in converters:
                values[index] = converter(values[index], column, connection)
        return self.model.from_db(alias, self.attnames, values)


@functools.cache
def _statement(connection):
    """The SQL and its three parts, built once per connection object (the converters are its own methods).
    Columns are named by their tables, as the ORM names them, so the query reads in logs as the ORM's would."""
    quote = connection.ops.quote_name
    user_model = get_user_model()
    user = _Part(user_model, 0, connection)
    membership = _Part(Membership, len(user.columns), connection)
    organisation = _Part(Organisation, membership.start + len(membership.columns), connection)

    def column(part, name):
        return f"{part.table}.{quote(part.model._meta.get_field(name).column)}"

    # Only the models' own table and column names, quoted; the id is a parameter.
    sql = (
        f"SELECT {', '.join(user.columns + membership.columns + organisation.columns)} FROM {user.table} "  # noqa: S608
        f"LEFT JOIN {membership.table} ON {column(membership, 'user')} = {column(user, user_model._meta.pk.name)} "
        f"LEFT JOIN {organisation.table} ON {column(organisation, 'id')} = {column(membership, 'organisation')} "
        f"WHERE {column(user, user_model._meta.pk.name)} = %s "
        f"ORDER BY {column(organisation, 'name')}, {column(membership, 'id')}"
    )
    return sql, (user, membership, organisation)
