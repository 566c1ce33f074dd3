"""The one rule for JSON a client sends, over HTTP (the API's parser) and the websocket alike.

Strict JSON only: no NaN or Infinity (a browser's JSON.parse refuses them,
so they must never be stored or broadcast), and nested at most MAX_DEPTH
levels — no input of ours nests beyond a handful, and deeper structures
(thousands of levels) exhaust Python's stack in the parser or anywhere
after it. A refusal says what is wrong; it is never a 500.
"""

import codecs
import json
from typing import Any

from django.conf import settings
from rest_framework import parsers
from rest_framework.exceptions import ParseError

MAX_DEPTH = 32


class NotJSON(ValueError):
    """The text is not JSON we take; the message says why, in words a user understands."""


def loads(raw: str | bytes) -> Any:
    try:
        value = json.loads(raw, parse_constant=_refuse_constant)
    except RecursionError:
        raise _too_deep() from None
    except NotJSON:
        raise
    except ValueError as error:  # JSONDecodeError, UnicodeDecodeError
        raise NotJSON(f"Not valid JSON: {error}.") from None
    if depth(value) > MAX_DEPTH:
        raise _too_deep()
    return value


def depth(value: Any) -> int:
    """How deeply `value` nests lists and objects (a scalar: 0), without recursing."""
    deepest, level = 0, [(value, 1)]
    while level:
        item, at = level.pop()
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else None
        if children is None:
            continue
        deepest = max(deepest, at)
        if deepest > MAX_DEPTH:
            break
        level.extend((child, at + 1) for child in children)
    return deepest


def _refuse_constant(name: str) -> None:
    raise NotJSON(f"{name} is not a number JSON allows; send finite numbers.")


def _too_deep() -> NotJSON:
    return NotJSON(f"JSON nested too deeply; at most {MAX_DEPTH} levels.")


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser under the rule above, taking objects only: every refusal is a 400 with its reason."""

    def parse(self, stream, media_type=None, parser_context=None):
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            value = loads(codecs.getreader(encoding)(stream).read())
        except NotJSON as error:
            raise ParseError(str(error)) from None
        except UnicodeDecodeError as error:
            raise ParseError(f"Not valid JSON: {error}.") from None
        if not isinstance(value, dict):  # every body of the API is an object of named fields
            raise ParseError("Send a JSON object of named fields.")
        return value
