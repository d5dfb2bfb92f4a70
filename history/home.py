"""The history's way in: the import page is linked from the staff's "Programmes et appels" page, not the
navigation bar (a few imports a year do not earn a place among the daily links)."""


def register():
    """Nothing in the navigation bar: see `templates/grants/call_list_staff.html`."""
