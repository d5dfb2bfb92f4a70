"""The dossier's state machine (declared in `grants.workflow`), found by `lifecycle`'s autodiscovery."""

from .workflow import MACHINE

__all__ = ["MACHINE"]
