"""A paginator that may be told its total instead of counting it.

Counting every row behind a big list is a scan that grows with the table. Where the total is
already known (kept up to date elsewhere, e.g. `grants.tally` for the dossiers per state), the
page hands it over; otherwise the paginator counts as Django's does."""

from django.core.paginator import Paginator


class CountedPaginator(Paginator):
    def __init__(self, object_list, per_page, *args, count=None, **kwargs):
        super().__init__(object_list, per_page, *args, **kwargs)
        if count is not None:
            self.__dict__["count"] = count  # `count` is a cached_property: the known total takes its place
