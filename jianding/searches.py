"""A search box that may take a whole ID number keeps it out of the address.

The address of a page ends up in the browser's history, in the server's and
proxies' logs and in the Referer of the next request, so a number typed into
a list's search box is never put in it. The box's form posts; ``search_posted``
keeps each typed text in the session under a short random token and sends
the browser back to the same list with ``?q=~<token>``, every other field as
it was typed. The list reads its parameters through ``search_data``, which
puts the text back in place of the token; pagination, sorting and export
links copy the token, never the text. A token of another session, or one
this session no longer holds, stays as it is and so finds nothing.
"""

import secrets
from functools import wraps

from django.http import HttpRequest, QueryDict
from django.shortcuts import redirect

SEARCH_MARK = "~"
SESSION_KEY = "searches"
KEPT_MAX = 20  # the latest searches of a session that its addresses can name

# The parameters of the portal's searches: the lists' ``q`` and the audit's ``who``.
SEARCH_FIELDS = ("q", "who")


def _kept(request: HttpRequest) -> dict[str, str]:
    return request.session.get(SESSION_KEY, {})


def _keep(request: HttpRequest, text: str) -> str:
    kept = _kept(request)
    token = secrets.token_urlsafe(6)
    kept[token] = text
    request.session[SESSION_KEY] = dict(list(kept.items())[-KEPT_MAX:])
    return SEARCH_MARK + token


def search_posted(view):
    """Answer a POST of the list's filter form with a redirect to the list, its search text as a token."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method != "POST":
            return view(request, *args, **kwargs)
        query = QueryDict(mutable=True)
        for key, values in request.POST.lists():
            if key == "csrfmiddlewaretoken":
                continue
            for value in values:
                if not value:
                    continue
                query.appendlist(key, _keep(request, value) if key in SEARCH_FIELDS else value)
        return redirect(f"{request.path}?{query.urlencode()}" if query else request.path)

    return wrapper


def search_data(request: HttpRequest, params: QueryDict | None = None) -> QueryDict:
    """The list's GET parameters, or ``params``, with each search token replaced by the text kept for it."""
    data = (request.GET if params is None else params).copy()
    kept = _kept(request)
    for field in SEARCH_FIELDS:
        value = data.get(field, "")
        if value.startswith(SEARCH_MARK):
            data[field] = kept.get(value[len(SEARCH_MARK) :], value)
    return data
