"""The exams app's pages, one module per domain, mirroring ``exams.services``.

Modules: ``catalogue`` (occupations, plans, question banks), ``batches``, ``sessions`` (rooms,
sessions, seats, tickets), ``proctoring``, ``examiners``, ``scoring`` and ``results`` (results,
publication, statistics). Each opens with the rules it serves.
"""

# Rows per page of the exams lists.
PAGE_SIZE = 25
