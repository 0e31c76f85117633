"""Reading what a browser would from Django's HTML responses."""

from __future__ import annotations

import re

from django.http import HttpResponse

_CSRF_INPUT = re.compile(r'<input type="hidden" name="csrfmiddlewaretoken" value="([^"]+)"')


def csrf_token(response: HttpResponse) -> str:
    """The CSRF token of the form on the page, as a browser would submit it."""
    match = _CSRF_INPUT.search(response.content.decode())
    assert match, "the page has no CSRF token input"
    return match.group(1)


def element_text(response: HttpResponse, testid: str) -> str:
    """The text inside the element with ``data-testid``."""
    pattern = rf'data-testid="{re.escape(testid)}"[^>]*>([^<]*)<'
    match = re.search(pattern, response.content.decode())
    assert match, f'no element with data-testid="{testid}"'
    return match.group(1)
