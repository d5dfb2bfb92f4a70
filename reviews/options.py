"""The staff table's option lists read from the database (calls, federations, collectives, operators,
reviewers), kept in Django's cache between two changes of those rows rather than read on every page.

The lists are derived data under a `VersionedCache` (never a process's memory): every save or delete of
a call, an organisation or a user that shows in them bumps its version after commit (model signals,
connected in `ReviewsConfig.ready()`; admin, forms and services all save through the models), and the
next page reads them again. A login (which saves `last_login` only) leaves them read. Bulk writes without
signals (`generate_scale_data`) must call `OPTIONS.changed()` themselves; entries expire after ten minutes
anyway. Only what an option shows is kept (the id and the label); a submitted value is still checked against
the database by the form field, so a stale list can offer a removed choice, never accept one.
"""

from django.db.models.signals import post_delete, post_save
from django.forms.models import ModelChoiceIterator
from django.utils.translation import get_language

from forim_portal.versioned_cache import VersionedCache
from forim_portal.widgets import QuickSelect

OPTIONS = VersionedCache("reviews-options", timeout=600)
# The user fields an option shows or chooses by (reviewers: active ones, by role, named); a save of other
# fields only (the last login, the password, the language) changes no list.
USER_FIELDS = frozenset({"first_name", "last_name", "email", "role", "is_active"})


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

    found = cached("+".join(sorted([*selects, *more])), compute)
    for name, widget in selects.items():
        widget.written = found[name]
    return {name: found[name] for name in more}


def _on_save(sender, instance, created=False, update_fields=None, **kwargs):
    if sender._meta.label == "accounts.User" and update_fields is not None and not USER_FIELDS & set(update_fields):
        return
    OPTIONS.changed()


def connect():
    from django.contrib.auth import get_user_model

    from grants.models import Call
    from members.models import Organisation

    for model in (Call, Organisation, get_user_model()):
        post_save.connect(_on_save, sender=model, dispatch_uid=f"reviews-options-save-{model._meta.label}")
        post_delete.connect(OPTIONS.changed, sender=model, dispatch_uid=f"reviews-options-delete-{model._meta.label}")
