"""forim_portal.versioned_cache: figures computed once per version, never an entry of another version, nothing
cached inside an open transaction. Transactional: the cache is the database's (or Redis in CI), used as in
production."""

import pytest
from django.db import transaction

from forim_portal.versioned_cache import VersionedCache

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def figures():
    store = VersionedCache("test-versioned-cache", timeout=60)
    store.bump()  # a version of its own: entries of earlier runs (a shared Redis in CI) are not this version's
    return store


def counted(store, results):
    calls = []

    def compute():
        calls.append(1)
        return results[len(calls) - 1]

    return calls, compute


def test_computed_once_per_version_and_never_read_from_another(figures):
    calls, compute = counted(figures, [41, 42, None, None])
    assert figures.get(["a"], compute) == 41
    assert figures.get(["a"], compute) == 41 and len(calls) == 1

    figures.bump()
    assert figures.get(["a"], compute) == 42 and len(calls) == 2  # the entry of the last version is not read
    assert figures.get(["a"], compute) == 42 and len(calls) == 2

    figures.bump()
    assert figures.get(["a"], compute) is None and len(calls) == 3
    assert figures.get(["a"], compute) is None and len(calls) == 3  # a figure that is None is kept too


def test_a_change_counts_again_after_its_commit_and_nothing_is_kept_inside_a_transaction(figures):
    calls, compute = counted(figures, [1, 2, 3, 4])
    assert figures.get(["b"], compute) == 1
    with transaction.atomic():
        figures.changed()
        assert figures.get(["b"], compute) == 2  # inside the transaction: computed, not read nor kept
    assert figures.get(["b"], compute) == 3 and len(calls) == 3  # bumped on commit: computed again
    assert figures.get(["b"], compute) == 3


def test_several_figures_are_read_in_one_round_trip_and_the_missing_ones_kept_in_one_more(figures, monkeypatch):
    from django.core.cache import cache

    trips, inside = [], []

    def counting(name, original):
        def call(*args, **kwargs):  # the calls the store makes, not those a backend makes inside them
            if not inside:
                trips.append(name)
            inside.append(name)
            try:
                return original(*args, **kwargs)
            finally:
                inside.pop()
        return call

    for name in ("get", "get_many", "set", "set_many", "add"):
        monkeypatch.setattr(cache, name, counting(name, getattr(cache, name)))
    first, compute_first = counted(figures, [1, 10])
    second, compute_second = counted(figures, [2, 20])

    assert figures.get_many([(["x"], compute_first), (["y"], compute_second)]) == [1, 2]
    assert trips == ["get_many", "set_many"] and len(first) == len(second) == 1
    trips.clear()
    assert figures.get_many([(["x"], compute_first), (["y"], compute_second)]) == [1, 2]
    assert trips == ["get_many"] and len(first) == len(second) == 1  # both read, none computed

    figures.bump()
    assert figures.get_many([(["y"], compute_second), (["x"], compute_first)]) == [20, 10]  # each in its place
    assert figures.get(["x"], compute_first) == 10 and len(first) == 2  # the single reading finds what was kept
