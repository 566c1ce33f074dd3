"""The base of each resource's one output shape (the apps' `shapes.py`).

A shape is a DRF serializer: the API views answer with it, drf-spectacular documents it at
/api/schema/, and the services store and send what it renders (the event log and its socket
frames, notifications, audit states). `tests/test_api_against_schema.py` checks real answers
against the schema, so the shape, the answers and the documentation cannot drift apart.

A `Shape` renders as DRF's Serializer does, with each field's reading bound once. DRF looks
every field's value up by walking its source generically; a shape made once and used for every
object (`render`, or `many=True`) reads it with `attrgetter` and leaves values that are already
JSON as they are, which makes an annotation about three times cheaper to shape (docs/performance.md,
"Output shapes"). A null relation on the way (`assignee.username` of no assignee) gives null to a
field that allows it; mappings (stored JSON) take DRF's own way. `tests/test_shapes.py` checks that
every shape renders exactly as DRF would.
"""

from datetime import UTC
from functools import cached_property
from operator import attrgetter

from django.core.exceptions import ObjectDoesNotExist
from rest_framework import serializers
from rest_framework.fields import Field, is_simple_callable

# Fields whose representation of a model's value is the value itself (int, str, bool, JSON).
AS_STORED = (
    serializers.IntegerField,
    serializers.CharField,
    serializers.ChoiceField,
    serializers.BooleanField,
    serializers.JSONField,
)


class Moment(serializers.DateTimeField):
    """A time in UTC, ISO 8601 with "Z", whatever the city's TIME_ZONE: the event log has stored
    times in UTC from the start, and clients order markups by comparing these strings."""

    def to_representation(self, value):
        if not value:
            return None
        if isinstance(value, str):  # shaped already, as DRF's own field lets through
            return value
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


class Shape(serializers.Serializer):  # no docstring: the schema would show it for every shape
    @cached_property
    def _plan(self):
        readable = (field for field in self.fields.values() if not field.write_only)
        return [(field.field_name, _reader(field), _writer(field), field) for field in readable]

    def to_representation(self, instance):
        if isinstance(instance, dict):
            return super().to_representation(instance)
        shaped = {}
        for name, read, write, field in self._plan:
            try:
                value = read(instance)
            except (AttributeError, ObjectDoesNotExist):
                if not field.allow_null:
                    raise
                value = None
            if is_simple_callable(value):  # a source naming a method, as `get_kind_display`
                value = value()
            shaped[name] = value if value is None or write is None else write(value)
        return shaped


def _reader(field):
    if field.source == "*":
        return _itself
    if type(field).get_attribute is not Field.get_attribute:
        return field.get_attribute
    return attrgetter(field.source)


def _itself(instance):
    return instance


def _writer(field):
    binary = getattr(field, "binary", False)
    return None if type(field) in AS_STORED and not binary else field.to_representation


def render(shape, **context):
    """A function rendering one object as `shape` does: the shape is made once, for every call."""
    return shape(context=context).to_representation
