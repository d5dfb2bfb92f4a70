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
