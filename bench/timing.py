"""`Server-Timing: app;dur=<ms>` on every response of the benchmark server: the time the portal spent on
the request inside the WSGI worker (middleware, view, template), without the queueing in front of it.
Benchmark settings only: production does not tell visitors how long it worked."""

import time


class ServerTimingMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        response["Server-Timing"] = f"app;dur={(time.perf_counter() - started) * 1000:.2f}"
        return response
