"""The demo data: a center's year in progress, for `make run`, the browser journey and the benchmarks.

It stands above every app (it fills them all), so no app and not the base imports it.
"""
