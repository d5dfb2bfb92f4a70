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


# Every visible, enabled form control (not folded in a closed <details>) gets an index; a radio group counts once (arrows move inside it).
_MARK_CONTROLS = """() => {
  const seen = new Set();
  let n = 0;
  for (const el of document.querySelectorAll('form input, form select, form textarea, form button')) {
    if (el.type === 'hidden' || el.disabled || !el.checkVisibility({visibilityProperty: true})) continue;
    // a control taken out of the tab order on purpose, hidden from assistive technology, with another control in
    // its place (the country picker's search box drives the plain select it enhances)
    if (el.tabIndex === -1 && el.getAttribute('aria-hidden') === 'true') continue;
    if (el.closest('details:not([open])')) continue;  // folded away: reached once its summary is opened
    const key = el.type === 'radio' ? 'radio:' + el.form.id + ':' + el.name : null;
    if (key && seen.has(key)) { el.dataset.kbGroup = key; continue; }
    if (key) { seen.add(key); el.dataset.kbGroup = key; }
    el.dataset.kb = String(n++);
  }
  return n;
}"""
_FOCUSED = """() => {
  const el = document.activeElement;
  if (!el) return null;
  if (el.dataset.kbGroup) return document.querySelector(`[data-kb-group="${el.dataset.kbGroup}"][data-kb]`).dataset.kb;
  return el.dataset.kb || null;
}"""
_DESCRIBE = """(missing) => missing.map(i => {
  const el = document.querySelector(`[data-kb="${i}"]`);
  return `${el.tagName.toLowerCase()}[name=${el.name || ''}] ${(el.labels && el.labels[0] ? el.labels[0].innerText : el.innerText || '').trim().slice(0, 40)}`;
})"""


_ACTIVE = """() => { const el = document.activeElement; return el ? `${el.tagName.toLowerCase()}#${el.id || ''}[${el.name || ''}]` : null; }"""


def assert_keyboard_reachable(page, name="", max_presses=800):
    """Tab from the top of the page reaches every form control on it: no mouse needed, no trap."""
    total = page.evaluate(_MARK_CONTROLS)
    if not total:
        return
    page.evaluate("() => { document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0); }")
    reached, path = set(), []
    for _ in range(max_presses):
        page.keyboard.press("Tab")
        index = page.evaluate(_FOCUSED)
        path.append(page.evaluate(_ACTIVE))
        if index is not None:
            reached.add(index)
            if len(reached) == total:
                break
    missing = sorted(set(map(str, range(total))) - reached, key=int)
    assert not missing, (f"{name or page.url}: hors de portée du clavier : {page.evaluate(_DESCRIBE, missing)} ; "
                         f"derniers arrêts de Tab : {path[-12:]}")
    page.evaluate("() => { document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0); }")
