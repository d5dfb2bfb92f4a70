"""HTML to PDF with WeasyPrint, never fetching anything from the network.

Static files (CSS, images) are read through the staticfiles finders; fonts come from
the system (fontconfig: DejaVu, Liberation). Any other URL is refused.
"""

import mimetypes
from urllib.parse import unquote, urlparse

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse


class LocalOnlyFetcher(URLFetcher):
    """Serves data: URLs and our static files; refuses http(s), ftp and arbitrary files."""

    def fetch(self, url, headers=None):
        parsed = urlparse(url)
        if parsed.scheme == "data":
            return super().fetch(url, headers)
        if parsed.scheme in ("static", "file"):
            path = unquote(parsed.path)
            relative = path.split(settings.STATIC_URL, 1)[-1].lstrip("/")
            found = finders.find(relative)
            if found:
                with open(found, "rb") as handle:
                    body = handle.read()
                mime = mimetypes.guess_type(found)[0] or "application/octet-stream"
                return URLFetcherResponse(url, body, {"Content-Type": mime})
        raise ValueError(f"refused to fetch {url!r}: documents use local files only")


def html_to_document(html):
    """The laid-out WeasyPrint document: `write_pdf()` it whole, or `copy(pages).write_pdf()` a part
    of it (one file per page costs about one write of the whole, never a second layout)."""
    return HTML(string=html, base_url="static:///", url_fetcher=LocalOnlyFetcher()).render()


def html_to_pdf(html):
    return html_to_document(html).write_pdf()


def render_pdf(template_name, context):
    """Render a Django template to PDF bytes."""
    return html_to_pdf(render_to_string(template_name, context))
