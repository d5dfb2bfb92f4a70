"""Nothing but the lifecycle engine writes a declared state field: the source is scanned for writes."""

import ast
from pathlib import Path

from lifecycle.engine import machines

ROOT = Path(__file__).resolve().parents[2]
SKIPPED_DIRS = {".venv", "node_modules", "tests", "migrations", "lifecycle", "static", "locale", "media", "bench"}
# Attributes with a state field's name that belong to no machine: an exception's HTTP status, an API token's revocation.
NOT_A_MACHINE = {
    ("forim_portal/errors.py", "self.status"),
    ("accounts/tokens.py", "token.revoked_at"),
    ("accounts/second_factor.py", "tokens.update(revoked_at=now)"),
}
# The outbox's delivery status is claimed by a conditional UPDATE (compare-and-set, one worker wins) on
# purpose; it has no user-facing lifecycle. To be declared as a machine if the lead wants one.
UNDECLARED_FILES = {"outbox/services.py"}


def guarded_fields():
    return set().union(*(machine.state_fields for machine in machines()))


def writes_in(path, fields):
    """(line, text) of each assignment, setattr, .update() or .bulk_update() touching one of `fields`."""
    source = path.read_text()
    found = []
    for node in ast.walk(ast.parse(source)):
        targets = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
            targets = [node.target]
        for target in targets:
            for element in target.elts if isinstance(target, ast.Tuple) else [target]:
                if isinstance(element, ast.Attribute) and element.attr in fields:
                    found.append((node.lineno, ast.unparse(element)))
        if isinstance(node, ast.Call):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name == "update" and any(keyword.arg in fields for keyword in node.keywords):
                found.append((node.lineno, ast.unparse(node)[:80]))
            if (
                name == "setattr"
                and len(node.args) >= 2
                and isinstance(node.args[1], ast.Constant)
                and node.args[1].value in fields
            ):
                found.append((node.lineno, ast.unparse(node)[:80]))
            if name == "bulk_update" and any(
                isinstance(constant, ast.Constant) and constant.value in fields
                for arg in node.args[1:]
                for constant in ast.walk(arg)
            ):
                found.append((node.lineno, ast.unparse(node)[:80]))
    return found


def project_files():
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT)
        if not set(relative.parts[:-1]) & SKIPPED_DIRS:
            yield relative.as_posix(), path


def test_every_machine_declares_the_fields_it_guards():
    assert {"status", "accepted_at", "revoked_at"} <= guarded_fields()


def test_no_code_outside_the_engine_writes_a_state_field():
    fields = guarded_fields()
    offenders = [
        f"{relative}:{line}: {text}"
        for relative, path in project_files()
        for line, text in writes_in(path, fields)
        if (relative, text) not in NOT_A_MACHINE and relative not in UNDECLARED_FILES
    ]
    assert not offenders, "State fields written outside lifecycle.engine.fire:\n" + "\n".join(offenders)


def test_the_scan_finds_a_hand_written_status(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        "def close(session):\n"
        "    session.status = 'closed'\n"
        "    Report.objects.filter(pk=1).update(status='approved')\n"
        "    setattr(job, 'status', 'done')\n"
        "    Invitation.objects.filter(pk=2).update(revoked_at=now)\n"
    )
    assert [line for line, _text in writes_in(sample, guarded_fields())] == [2, 3, 4, 5]
