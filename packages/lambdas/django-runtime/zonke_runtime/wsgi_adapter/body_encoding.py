"""How a response body travels in Lambda's JSON, by the same rule as the Node adapter
(``@zonke/next-server``'s ``body-encoding.ts``): as text only when it certainly is UTF-8 text,
otherwise base64 (``isBase64Encoded: true``).

Text means a text type (``text/*``, JSON, JavaScript, XML and SVG, form-urlencoded, ``+json`` and
``+xml``) with no charset or a UTF-8 one, no content-encoding (gzip or br bodies are bytes), and
bytes that really are valid UTF-8. Anything else, a missing Content-Type too, is base64: a
mistaken base64 costs a third more bytes, a mistaken text body corrupts the response.
"""

from __future__ import annotations

import re
from base64 import b64encode

_TEXT_TYPE = re.compile(
    r"text/[^;\s]+"
    r"|application/(?:json|javascript|ecmascript|xml|x-www-form-urlencoded)"
    r"|[^/\s;]+/[^;\s]+\+(?:json|xml)"
)
_UTF8_CHARSETS = frozenset({"utf-8", "utf8", "us-ascii"})

# (Content-Type, Content-Encoding) -> is_text_content. An application answers with a few pairs,
# and parsing one costs more than the rest of shaping a result. Bounded, like any table filled
# from what an application sends.
_TEXT_CONTENT: dict[tuple[str | None, str | None], bool] = {}
_MAX_TEXT_CONTENT = 256


def is_text_content(content_type: str | None, content_encoding: str | None) -> bool:
    if content_encoding:
        encoding = content_encoding.strip().lower()
        if encoding and encoding != "identity":
            return False
    if not content_type:
        return False
    media_type, *parameters = (part.strip() for part in content_type.split(";"))
    if not _TEXT_TYPE.fullmatch(media_type.lower()):
        return False
    for parameter in parameters:
        key, _, value = parameter.partition("=")
        if key.strip().lower() == "charset":
            if value.strip().lower().strip('"') not in _UTF8_CHARSETS:
                return False
    return True


def encode_body(
    body: bytes, content_type: str | None, content_encoding: str | None
) -> tuple[str, bool]:
    """``(body, isBase64Encoded)`` for Lambda's result."""
    if not body:
        return "", False
    if _is_text_content_remembered(content_type, content_encoding):
        try:
            return body.decode("utf-8"), False
        except UnicodeDecodeError:
            pass
    return b64encode(body).decode("ascii"), True


def _is_text_content_remembered(content_type: str | None, content_encoding: str | None) -> bool:
    key = (content_type, content_encoding)
    is_text = _TEXT_CONTENT.get(key)
    if is_text is None:
        is_text = is_text_content(content_type, content_encoding)
        if len(_TEXT_CONTENT) < _MAX_TEXT_CONTENT:
            _TEXT_CONTENT[key] = is_text
    return is_text
