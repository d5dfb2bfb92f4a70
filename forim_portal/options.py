"""Option lists read from the database (calls, federations, collectives, operators, reviewers), kept in
Django's cache between two changes of those rows rather than read on every page of a filtered list.

The lists are derived data under a `VersionedCache` (never a process's memory): every save or delete of
a row that shows in them bumps its version after commit (model signals, connected by each app that shows
such a list with `OPTIONS.refresh_on(Model)` in its `ready()`; admin, forms and services all save through the
models), and the next page reads them again. A login (which saves `last_login` only) leaves them read. Bulk writes without
signals (`generate_scale_data`) must call `OPTIONS.changed()` themselves; entries expire after ten minutes
anyway. Only what an option shows is kept (the id and the label); a submitted value is still checked against
the database by the form field, so a stale list can offer a removed choice, never accept one.
"""

from django.forms.models import ModelChoiceIterator
from django.utils.translation import get_language

from forim_portal.versioned_cache import VersionedCache
from forim_portal.widgets import QuickSelect

OPTIONS = VersionedCache("options", timeout=600)


def cached(name, compute):
    """`compute()` (options written from rows: plain, picklable values), from the cache under `name` and the
    language while no option changed."""
    return OPTIONS.get([name, get_language() or ""], compute)


class CachedOptions(QuickSelect):
    """A QuickSelect for a model choice field whose written options are kept in the cache under `cache_as`:
    the same HTML as the field's own choices (its empty label, then each row's `label_from_instance`),
    without the query. Validation stays the field's: the chosen id is looked up in its queryset."""

    def __init__(self, attrs=None, choices=(), *, cache_as):
        super().__init__(attrs, choices)
        self.options_of = cache_as
        self.written = None  # given by `read_for_form` with the page's other lists, else read alone

    def _write_options(self):
        if self.written is not None:
            return self.written
        if not isinstance(self.choices, ModelChoiceIterator):
            return super()._write_options()
        return cached(self.options_of, self.plain_options)

    def plain_options(self):
        """The options QuickSelect writes (every value and label escaped), as plain text for the cache: the
        select they go into is marked safe as a whole."""
        return [(value, str(opening), str(closing)) for value, opening, closing in super()._write_options()]


def read_for_form(form, **more):
    """Gives each CachedOptions select of this form its options and returns `more`'s values (name: a function
    computing plain text), all read as one entry of the cache: two round trips to it for a page, not two a list."""
    selects = {
        field.widget.options_of: field.widget
        for field in form.fields.values()
        if isinstance(field.widget, CachedOptions)
    }

    def compute():
        return {
            **{name: widget.plain_options() for name, widget in selects.items()},
            **{name: make() for name, make in more.items()},
        }

    if not selects and not more:
        return {}
    found = cached("+".join(sorted([*selects, *more])), compute)
    for name, widget in selects.items():
        widget.written = found[name]
    return {name: found[name] for name in more}
