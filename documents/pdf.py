"""HTML to PDF with WeasyPrint, never fetching anything from the network.

Static files (CSS, images) are read through the staticfiles finders; fonts come from
the system (fontconfig: DejaVu, Liberation). Any other URL is refused.
"""

import io
import mimetypes
import re
from urllib.parse import unquote, urlparse

import pikepdf
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
    """The laid-out WeasyPrint document: `write_pdf()` it whole, or `copy(pages).write_pdf()` a part of
    it (never a second layout; but one file per page costs about 1.5 times one write of the whole: to
    cut a whole document into pages, `split_pages` its written PDF)."""
    return HTML(string=html, base_url="static:///", url_fetcher=LocalOnlyFetcher()).render()


def html_to_pdf(html):
    return html_to_document(html).write_pdf()


def render_pdf(template_name, context):
    """Render a Django template to PDF bytes."""
    return html_to_pdf(render_to_string(template_name, context))


# A name token of a content stream (PDF 32000-1, 7.3.5): what a page's operators call its resources by.
_NAME = re.compile(rb"/([^\s\x00/\[\]()<>{}%]*)")
_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")


def _own_resources(page):
    """The page's resources less those its content never names. WeasyPrint writes one resources dictionary
    shared by all pages (every page's patterns, forms, images): a page copied alone would drag them all."""
    contents = page.obj.get("/Contents")
    streams = contents if isinstance(contents, pikepdf.Array) else [contents] if contents is not None else []
    names = [name for stream in streams for name in _NAME.findall(stream.read_bytes())]
    used = {"/" + _ESCAPE.sub(lambda m: bytes([int(m[1], 16)]), name).decode("latin-1") for name in names}
    own = pikepdf.Dictionary()
    for category, entries in page.resources.items():  # /Font, /XObject, /Pattern...; /ProcSet is an array, kept
        if isinstance(entries, pikepdf.Dictionary):
            entries = pikepdf.Dictionary({key: entries[key] for key in used if key in entries})
        own[category] = entries
    return own


def _bookmarks_by_page(source):
    """{page index: [(title, explicit destination)]} of the document's outline (WeasyPrint's h1-h6 bookmarks)."""
    index = {page.obj.objgen: number for number, page in enumerate(source.pages)}
    found = {}
    with source.open_outline() as outline:
        items = list(outline.root)
        while items:
            item = items.pop(0)
            items.extend(item.children)
            target = item.destination
            if isinstance(target, pikepdf.Array) and len(target) and target[0].objgen in index:
                found.setdefault(index[target[0].objgen], []).append((item.title, list(target)[1:]))
    return found


def split_pages(pdf):
    """One single-page PDF (bytes) per page of `pdf` (bytes), in order, by qpdf (pikepdf): each page keeps
    only the fonts, images, forms and patterns its content uses, and the document's language, information
    and that page's bookmarks. Cutting a written document costs a few milliseconds a page, where WeasyPrint
    writing each page apart costs it painting and font subsetting again."""
    with pikepdf.Pdf.open(io.BytesIO(pdf)) as source:
        bookmarks = _bookmarks_by_page(source)
        for number, page in enumerate(source.pages):
            page.obj.Resources = _own_resources(page)
            single = pikepdf.Pdf.new()
            single.pages.append(page)
            single.docinfo = single.copy_foreign(source.docinfo)
            if "/Lang" in source.Root:
                single.Root.Lang = source.Root.Lang
            if number in bookmarks:
                with single.open_outline() as outline:
                    for title, location in bookmarks[number]:
                        target = pikepdf.Array([single.pages[0].obj, *location])
                        outline.root.append(pikepdf.OutlineItem(title, target))
            buffer = io.BytesIO()
            single.save(buffer, min_version=source.pdf_version, object_stream_mode=pikepdf.ObjectStreamMode.generate)
            yield buffer.getvalue()
