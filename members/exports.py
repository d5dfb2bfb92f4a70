"""Columns of the exports (CSV/XLSX), shared by the pages that offer them."""

from django.utils.translation import gettext_lazy as _

from .countries import country_names


def _join(values):
    return ", ".join(str(value) for value in values)


ORGANISATION_COLUMNS = [
    (_("Nom"), "name"),
    (_("Sigle"), "acronym"),
    (_("Type"), lambda o: o.get_kind_display()),
    (_("Statut"), lambda o: o.get_status_display()),
    (_("RNA"), "rna"),
    (_("SIRET"), "siret"),
    (_("Date de création"), "created_on"),
    (_("Adresse"), "address"),
    (_("Code postal"), "postcode"),
    (_("Ville"), "city"),
    (_("Département"), "department"),
    (_("Région"), lambda o: o.get_region_display()),
    (_("E-mail"), "email"),
    (_("Téléphone"), "phone"),
    (_("Site web"), "website"),
    (_("Pays d'origine"), lambda o: _join(country_names([c.code for c in o.diaspora_countries]))),
    (_("Pays d'intervention"), lambda o: _join(country_names([c.code for c in o.intervention_countries]))),
    (_("Secteurs"), lambda o: _join(o.sector_labels)),
    (_("Part du bureau issue des migrations (%)"), "board_migrant_share"),
    (_("Fédérations et collectifs"), lambda o: _join(link.network.acronym or link.network.name for link in o.current_links)),
    (_("Opérateur d'appui"), lambda o: o.operator.name if o.operator_id else ""),
    (_("Membres du portail"), "member_count"),
]

ACTION_COLUMNS = [
    (_("Organisation"), lambda a: a.organisation.name),
    (_("Sigle"), lambda a: a.organisation.acronym),
    (_("Action"), "title"),
    (_("Domaine"), lambda a: a.get_domain_display()),
    (_("Année"), "year"),
    (_("Objectifs"), "objectives"),
    (_("Résultats"), "results"),
    (_("Public"), "audience"),
    (_("Ville"), "city"),
    (_("Région"), lambda a: a.get_region_display()),
    (_("QPV"), lambda a: _("oui") if a.in_qpv else _("non")),
    (_("Quartier"), "neighbourhood"),
]
