"""Helpers for the big lists that write their rows in Python: what a template would redo for every row,
done once per page."""

from django.urls import reverse


def pk_url(name):
    """`reverse(name, args=[pk])` for the many rows of a page: the URL is reversed once, each pk put in its place."""
    head, tail = reverse(name, args=[0]).rsplit("/0/", 1)
    return lambda pk: f"{head}/{pk}/{tail}"


def choice_labels(choices):
    """{value: label as text}: each label translated once, where `get_FOO_display` translates it for every row."""
    return {value: str(label) for value, label in choices}
