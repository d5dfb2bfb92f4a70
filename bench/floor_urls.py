"""The portal's URLs plus two floors the pages are measured against: `/bench/floor/`, a bare Django view,
and `/bench/layout/`, the portal's layout with an empty page for a signed-in user (what every page pays:
middleware, session, navigation, base template)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path

from forim_portal.urls import urlpatterns as portal_urlpatterns


def floor(request):
    return HttpResponse("ok", content_type="text/plain")


@login_required
def layout(request):
    return render(request, "bench/layout.html")


urlpatterns = [
    path("bench/floor/", floor, name="bench-floor"),
    path("bench/layout/", layout, name="bench-layout"),
    *portal_urlpatterns,
]
