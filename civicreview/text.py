"""The one rule for text the database stores: PostgreSQL cannot hold a NUL character."""

from typing import TypeVar

from django.core.exceptions import ValidationError

T = TypeVar("T")


def storable(value: T, field: str) -> T:
    """`value` unchanged, or a ValidationError naming `field` when it holds a NUL character."""
    if isinstance(value, str) and "\x00" in value:
        raise ValidationError({field: [f"{field} cannot contain NUL characters."]})
    return value
