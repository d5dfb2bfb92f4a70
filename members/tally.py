"""How many organisations the directory holds, without counting the table on every page.

The directory shows its total ("1 021 organisations", the page count). Counting every organisation
is a scan that grows with the network (7 ms at 100,000 on PostgreSQL, on every page). The total is
kept in Django's cache and counted again once after each creation or deletion of an organisation
(save and delete signals; bulk writes without signals, `generate_scale_data`, call
`ORGANISATIONS.changed()` themselves). Other edits change no total and leave it read.
`tests/members/test_tally.py` compares it with a full count after each kind of write.
"""

from django.db import connection

from forim_portal.versioned_cache import VersionedCache

ORGANISATIONS = VersionedCache("members-organisations", timeout=3600)


def count():
    """Every organisation, as of the last committed creation or deletion."""
    from .models import Organisation

    return ORGANISATIONS.get(["count"], lambda: Organisation.objects.order_by().count())


def directory_count(user, params, *, ignored=("page",)):
    """The directory's total when this user sees every organisation and nothing filters the list, else None
    (the list counts as usual). Filtered on one country only, the total is counted on that country's rows
    (`members.country_index`, an index-only count) instead of joining the whole organisation table."""
    from access import visibility

    from .countries import names_by_code
    from .country_index import organisations_naming_count

    filters = {name: value for name, value in params.items() if name not in ignored and value}
    one_country = filters.keys() == {"country"} and filters["country"] in names_by_code()
    if not one_country and (connection.in_atomic_block or filters):
        return None
    if not visibility.sees_every_organisation(user):
        return None
    if one_country:
        return organisations_naming_count(filters["country"])  # counted now: exact even inside a transaction
    return count()


def connect():
    from .models import Organisation

    ORGANISATIONS.refresh_on(Organisation, created_only=True)
