"""Run functions at the same instant, each in its own thread with its own database connection."""

import threading

from django.db import connections


def run_at_once(functions):
    """Start every function together (a barrier), wait for all; return each one's result or the exception it raised."""
    barrier = threading.Barrier(len(functions))
    results = [None] * len(functions)

    def run(index, function):
        try:
            barrier.wait(timeout=30)
            results[index] = function()
        except Exception as error:  # the test asserts on it
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(index, function)) for index, function in enumerate(functions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def is_postgresql():
    return connections["default"].vendor == "postgresql"
