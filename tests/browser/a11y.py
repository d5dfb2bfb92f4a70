"""axe-core (from axe-playwright-python, no CDN) on a page: serious and critical violations fail."""

from axe_playwright_python.sync_playwright import Axe

BLOCKING = {"serious", "critical"}
_axe = Axe()


def violations(page):
    """The serious/critical violations on the page, as readable lines (rule, impact, first targets)."""
    results = _axe.run(page)
    found = []
    for violation in results.response.get("violations", []):
        if violation.get("impact") in BLOCKING:
            targets = [" ".join(node.get("target", [])) for node in violation.get("nodes", [])[:3]]
            found.append(f"{violation['id']} ({violation['impact']}): {violation['help']} -> {targets}")
    return found


def assert_accessible(page, name=""):
    found = violations(page)
    assert not found, f"{name or page.url}: " + "\n".join(found)
