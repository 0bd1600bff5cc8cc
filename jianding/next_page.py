"""The page a person goes on to once he has signed up, signed in or verified his phone: ``next``.

A visitor who clicks 报名 on a public batch page is sent to sign in with the batch's apply page
as ``next``; it travels through sign-up and phone verification as a query parameter (or a hidden
field of the page's form) and is followed at the end. Only an address on this site is followed:
one pointing elsewhere is dropped, so that a link cannot send a person who signs in to another site.
"""

from django.utils.http import url_has_allowed_host_and_scheme, urlencode


def next_page(request) -> str:
    """The ``next`` of the form, else of the address, when it is a page of this site; else ``""``."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    # A path of this site only: a bare word would be read by ``redirect`` as a URL name.
    is_path = target.startswith("/") and not target.startswith("//")
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if is_path and allowed else ""


def with_next(address: str, target: str) -> str:
    """``address`` carrying ``target`` on as its ``next``, when there is one."""
    return f"{address}?{urlencode({'next': target})}" if target else address
