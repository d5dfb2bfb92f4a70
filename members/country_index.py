"""The countries an organisation names, one row each (`OrganisationCountry`), for the directory's filter (issue 15).

The two fields (`diaspora_countries`, `intervention_countries`) are comma-separated text: "organisations naming
SN" would be `LIKE '%SN%'` on both, which no index serves, so PostgreSQL reads the whole organisation table. The
rows here are derived from those fields and kept in this module only:

- every `Organisation.save()` (services, admin, importer, API, factories) through the `post_save` receiver
  connected by `connect()`: nothing is read or written when the save names neither field (`update_fields`),
  a creation only inserts, any other save compares the stored set with the fields and writes the difference;
- writes that send no signal (`bulk_create`: `generate_scale_data`, the migration that filled the table) call
  `add_countries` for the organisations they created;
- a deletion removes the rows with the organisation (ON DELETE CASCADE);
- `loaddata` (the restore of a backup) is left alone: the backup holds the rows themselves.

Nothing writes the two fields with `QuerySet.update()`; code that does must call `sync_countries` after it.
"""

from django.db import transaction
from django.db.models.signals import post_save

FIELDS = ("diaspora_countries", "intervention_countries")
BATCH = 500  # organisations per query (SQLite's limit on a query's parameters is far above)


def _row_model(row_model):
    if row_model is not None:
        return row_model
    from .models import OrganisationCountry

    return OrganisationCountry


def codes_of(organisation):
    """The two-letter codes the organisation's fields name, diaspora or intervention (as they would be stored)."""
    codes = set()
    for name in FIELDS:
        stored = organisation._meta.get_field(name).get_prep_value(getattr(organisation, name))
        codes.update(code for code in (stored or "").split(",") if code)
    return codes


def _batches(organisations):
    batch = []
    for organisation in organisations:
        batch.append(organisation)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def add_countries(organisations, *, row_model=None):
    """Insert the rows of organisations that have none yet (just created in bulk). Accepts any iterable; rows
    already there are left as they are. Returns how many rows were written."""
    row_model = _row_model(row_model)
    written = 0
    for batch in _batches(organisations):
        rows = [row_model(organisation_id=o.pk, country=code) for o in batch for code in sorted(codes_of(o))]
        row_model.objects.bulk_create(rows, ignore_conflicts=True)
        written += len(rows)
    return written


def sync_countries(organisations, *, row_model=None):
    """Make the stored rows of these organisations match their fields: the missing ones added, the others removed.
    Reads the stored rows once per batch and writes only the difference."""
    row_model = _row_model(row_model)
    for batch in _batches(organisations):
        wanted = {(o.pk, code) for o in batch for code in codes_of(o)}
        stored = set(
            row_model.objects.filter(organisation_id__in=[o.pk for o in batch]).values_list(
                "organisation_id", "country"
            )
        )
        gone, new = stored - wanted, wanted - stored
        if not (gone or new):
            continue
        with transaction.atomic():
            for pk in {pk for pk, _code in gone}:
                row_model.objects.filter(organisation_id=pk, country__in=[c for p, c in gone if p == pk]).delete()
            row_model.objects.bulk_create(
                [row_model(organisation_id=pk, country=code) for pk, code in sorted(new)], ignore_conflicts=True
            )


def organisation_ids_naming(code):
    """The ids of the organisations whose fields name this country (a subquery, read through the rows' index)."""
    return _row_model(None).objects.filter(country=code).values("organisation_id")


def organisations_naming_count(code):
    """How many organisations name this country: the rows of that country, counted from the index alone."""
    return organisation_ids_naming(code).count()


def _on_save(sender, instance, created=False, raw=False, update_fields=None, **kwargs):
    if raw:  # loaddata: the rows come with the data
        return
    if update_fields is not None and not set(update_fields) & set(FIELDS):
        return
    if created:
        add_countries([instance])
    else:
        sync_countries([instance])


def connect():
    from .models import Organisation

    post_save.connect(_on_save, sender=Organisation, dispatch_uid="members-organisation-countries")
