"""The portal's URLs plus `/bench/floor/`: a bare Django view, the floor the pages are measured against."""

from django.http import HttpResponse
from django.urls import path

from forim_portal.urls import urlpatterns as portal_urlpatterns


def floor(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/floor/", floor, name="bench-floor"), *portal_urlpatterns]
