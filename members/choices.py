"""Shared lists of the network: regions, sectors. Sectors are also used by calls."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Region(models.TextChoices):
    ARA = "ARA", "Auvergne-Rhône-Alpes"
    BFC = "BFC", "Bourgogne-Franche-Comté"
    BRE = "BRE", "Bretagne"
    CVL = "CVL", "Centre-Val de Loire"
    COR = "COR", "Corse"
    GES = "GES", "Grand Est"
    HDF = "HDF", "Hauts-de-France"
    IDF = "IDF", "Île-de-France"
    NOR = "NOR", "Normandie"
    NAQ = "NAQ", "Nouvelle-Aquitaine"
    OCC = "OCC", "Occitanie"
    PDL = "PDL", "Pays de la Loire"
    PAC = "PAC", "Provence-Alpes-Côte d'Azur"
    GUA = "GUA", "Guadeloupe"
    MTQ = "MTQ", "Martinique"
    GUF = "GUF", "Guyane"
    REU = "REU", "La Réunion"
    MAY = "MAY", "Mayotte"


class Sector(models.TextChoices):
    HEALTH = "health", _("Santé (femmes et enfants)")
    EDUCATION = "education", _("Éducation (filles)")
    WATER = "water", _("Eau, assainissement et environnement")
    ECONOMY = "economy", _("Développement économique (AGR, formation professionnelle)")
    RURAL = "rural", _("Développement rural et agricole")
    SOCIAL = "social", _("Développement social")
