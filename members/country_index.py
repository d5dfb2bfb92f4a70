"""The countries an organisation names, one row each (`OrganisationCountry`), for the directory's filter (issue 15).

The two fields (`diaspora_countries`, `intervention_countries`) are comma-separated text: "organisations naming
SN" would be `LIKE '%SN%'` on both, which no index serves, so PostgreSQL reads the whole organisation table. The
rows here are derived from those fields and kept in this module only:

- every `Organisation.save()` (services, admin, importer, API, factories) through the `post_save` receiver
  connected by `connect()`: nothing is read or written when the save names neither field nor the name
  (`update_fields`; each row carries the organisation's name, the directory's order within a country),
  a creation only inserts, any other save compares the stored set with the fields and writes the difference;
- writes that send no signal (`bulk_create`: `generate_scale_data`, the migration that filled the table) call
  `add_countries` for the organisations they created;
- a deletion removes the rows with the organisation (ON DELETE CASCADE);
- `loaddata` (the restore of a backup) is left alone: the backup holds the rows themselves.

Nothing writes the two fields with `QuerySet.update()`; code that does must call `sync_countries` after it.
"""

from itertools import batched

from django.db import transaction
from django.db.models.signals import post_save

FIELDS = ("diaspora_countries", "intervention_countries")
COPIED = ("name",)  # the organisation's field each row carries (the directory's order within a country)
BATCH = 500  # organisations per query (SQLite's limit on a query's parameters is far above)


def _rows():
    from .models import OrganisationCountry

    return OrganisationCountry


def codes_of(organisation):
    """The two-letter codes the organisation's fields name, diaspora or intervention (as they would be stored)."""
    codes = set()
    for name in FIELDS:
        stored = organisation._meta.get_field(name).get_prep_value(getattr(organisation, name))
        codes.update(code for code in (stored or "").split(",") if code)
    return codes


def add_countries(organisations):
    """Insert the rows of organisations that have none yet (just created in bulk). Accepts any iterable; rows
    already there are left as they are."""
    row_model = _rows()
    for batch in batched(organisations, BATCH):
        rows = [row_model(organisation_id=o.pk, country=code, name=o.name) for o in batch for code in sorted(codes_of(o))]
        row_model.objects.bulk_create(rows, ignore_conflicts=True)


def sync_countries(organisations):
    """Make the stored rows of these organisations match their fields: the missing ones added, the others removed.
    Reads the stored rows once per batch and writes only the difference."""
    row_model = _rows()
    for batch in batched(organisations, BATCH):
        names = {o.pk: o.name for o in batch}
        wanted = {(o.pk, code) for o in batch for code in codes_of(o)}
        stored = {
            (pk, code): name
            for pk, code, name in row_model.objects.filter(organisation_id__in=list(names)).values_list(
                "organisation_id", "country", "name"
            )
        }
        gone, new = stored.keys() - wanted, wanted - stored.keys()
        renamed = {pk for (pk, _code), name in stored.items() if (pk, _code) in wanted and name != names[pk]}
        if not (gone or new or renamed):
            continue
        with transaction.atomic():
            for pk in {pk for pk, _code in gone}:
                row_model.objects.filter(organisation_id=pk, country__in=[c for p, c in gone if p == pk]).delete()
            for pk in renamed:
                row_model.objects.filter(organisation_id=pk).update(name=names[pk])
            row_model.objects.bulk_create(
                [row_model(organisation_id=pk, country=code, name=names[pk]) for pk, code in sorted(new)],
                ignore_conflicts=True,
            )


def naming(queryset, code):
    """The organisations of `queryset` whose fields name this country, through its rows. Listed in name order
    (the directory's), they are read in the order of the rows' (country, name) index: a page of one country
    costs the same whether its names come first or last in the alphabet."""
    found = queryset.filter(country_rows__country=code)  # one row per organisation and country: no duplicates
    if tuple(found.query.order_by) == ("name",):
        found = found.order_by("country_rows__name")
    return found


def organisations_naming_count(code):
    """How many organisations name this country: the rows of that country, counted from the index alone."""
    return _rows().objects.filter(country=code).count()


def _on_save(sender, instance, created=False, raw=False, update_fields=None, **kwargs):
    if raw:  # loaddata: the rows come with the data
        return
    if update_fields is not None and not set(update_fields) & {*FIELDS, *COPIED}:
        return
    if created:
        add_countries([instance])
    else:
        sync_countries([instance])


def connect():
    from .models import Organisation

    post_save.connect(_on_save, sender=Organisation, dispatch_uid="members-organisation-countries")
