"""Apps depend one way (CONTRIBUTING.md): no app guards another with `try: import … except ImportError`."""

import ast
from pathlib import Path

from django.apps import apps
from django.conf import settings

FIRST_PARTY = sorted(
    {Path(config.path) for config in apps.get_app_configs() if Path(config.path).parent == Path(settings.BASE_DIR)}
    | {Path(settings.BASE_DIR) / "forim_portal"}
)


def catches_import_error(handler):
    names = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return any(isinstance(name, ast.Name) and name.id in {"ImportError", "ModuleNotFoundError"} for name in names)


def test_no_app_falls_back_when_another_app_is_missing():
    found = []
    for package in FIRST_PARTY:
        for path in package.rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.ExceptHandler) and node.type is not None and catches_import_error(node):
                    found.append(f"{path.relative_to(settings.BASE_DIR)}:{node.lineno}")
    assert len(FIRST_PARTY) >= 10  # the scan sees the apps
    assert found == []
