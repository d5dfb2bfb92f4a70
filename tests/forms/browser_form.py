"""Read a page's forms back the way a browser submits them (stdlib `html.parser`, no new dependency).

`page_forms(html)` lists the forms; `Form.data` is what a browser posts when nobody touches anything:
text inputs' values, checked boxes and radios, the selected options of selects (the first option of a
single select when none is selected), textareas without the newline HTML adds after the tag.
Submit buttons and file inputs are left out (a browser sends no file when none is chosen).
"""

from html.parser import HTMLParser
from urllib.parse import urljoin

SKIPPED_TYPES = {"submit", "button", "image", "reset", "file"}


class Form:
    def __init__(self, attrs):
        self.action = attrs.get("action") or ""
        self.method = (attrs.get("method") or "get").lower()
        self.id = attrs.get("id") or ""
        self.fields = []  # (name, value) in document order
        self.field_names = set()
        self.types = {}  # name -> input type, "select" or "textarea"

    def data(self):
        """A dict for Django's test client: lists for names given several times."""
        grouped = {}
        for name, value in self.fields:
            grouped.setdefault(name, []).append(value)
        return {name: values if len(values) > 1 else values[0] for name, values in grouped.items()}

    def url(self, page_url):
        return urljoin(page_url, self.action) if self.action else page_url

    def __repr__(self):
        return f"<Form {self.method} {self.action!r} {sorted(self.field_names)}>"


class _Parser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms = []
        self.form = None
        self.select = None  # [name, multiple, options, disabled]
        self.option = None
        self.textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = {key: "" if value is None else value for key, value in attrs}
        if tag == "form":
            self.form = Form(attrs)
            self.forms.append(self.form)
            return
        if self.form is None:
            return
        name = attrs.get("name")
        if name and tag in ("input", "select", "textarea"):
            self.form.field_names.add(name)
            self.form.types.setdefault(name, attrs.get("type", "text").lower() if tag == "input" else tag)
        disabled = "disabled" in attrs
        if tag == "input" and name and not disabled:
            kind = attrs.get("type", "text").lower()
            if kind in SKIPPED_TYPES:
                return
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.form.fields.append((name, attrs.get("value", "on")))
                return
            self.form.fields.append((name, attrs.get("value", "")))
        elif tag == "select" and name:
            self.select = {"name": name, "multiple": "multiple" in attrs, "options": [], "disabled": disabled}
        elif tag == "option" and self.select is not None:
            self.option = {"value": attrs.get("value"), "selected": "selected" in attrs, "text": ""}
            self.select["options"].append(self.option)
        elif tag == "textarea" and name and not disabled:
            self.textarea = {"name": name, "text": ""}

    def handle_data(self, data):
        if self.option is not None:
            self.option["text"] += data
        if self.textarea is not None:
            self.textarea["text"] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.form = None
        elif tag == "option":
            self.option = None
        elif tag == "textarea" and self.textarea is not None:
            text = self.textarea["text"]
            self.form.fields.append((self.textarea["name"], text[1:] if text.startswith("\n") else text))
            self.textarea = None
        elif tag == "select" and self.select is not None:
            self._close_select()

    def _close_select(self):
        select, self.select, self.option = self.select, None, None
        if select["disabled"]:
            return
        options = select["options"]
        chosen = [option for option in options if option["selected"]]
        if not chosen and not select["multiple"] and options:
            chosen = options[:1]
        for option in chosen:
            value = option["value"] if option["value"] is not None else option["text"].strip()
            self.form.fields.append((select["name"], value))


def page_forms(html):
    parser = _Parser()
    parser.feed(html)
    parser.close()
    return parser.forms


def find_form(html, *, page_url, action_url, field=None):
    """The POST form of the page that posts to `action_url` (and has `field`, when several do)."""
    candidates = [
        form
        for form in page_forms(html)
        if form.method == "post"
        and form.url(page_url).split("#")[0] == action_url
        and (field is None or field in form.field_names)
    ]
    assert candidates, f"no POST form to {action_url} on {page_url}: {page_forms(html)}"
    return candidates[0]
