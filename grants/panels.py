"""Sections that apps above grants add to a dossier's page (grants knows none of them).

An app registers `provider(request, application) -> dict | None` from its `AppConfig.ready()`;
the dict names a `template` and carries its context; None leaves the section out (nothing to
show, or nothing this user may see). `order` places it among the others.
"""

PANELS = {}


def add_dossier_panel(provider, *, order):
    PANELS[f"{provider.__module__}.{provider.__qualname__}"] = (order, provider)


def panels_for(request, application):
    """The sections this user sees on this dossier's page, in order."""
    entries = sorted(PANELS.items(), key=lambda item: (item[1][0], item[0]))
    return [panel for _key, (_order, provider) in entries if (panel := provider(request, application))]
