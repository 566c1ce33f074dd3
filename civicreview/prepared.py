"""Queries whose SQL is built once and run every time.

The ORM spends milliseconds of CPU building a query with several joins, such as
"may this user see this version", more than the database then takes to answer
it. In the websocket's command path that CPU competes, in one process, with
sending every change to hundreds of sockets. The SQL of such a query depends on
a few values only (who asks, about what), so it is built once for them and kept;
the database is asked every time, and with prepared statements (settings) it
plans each such query once per connection too.
"""

from functools import wraps

from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models.signals import post_save

MAX_KEPT = 2_000  # queries kept per decorated function (a few KB each); past that it starts afresh
NOTHING = object()  # the queryset can have no rows (Django's .none())


def prepared(key):
    """Decorate a function building a queryset of one row of values; calling it then answers
    that row as a dict (or None). `key(*args)` names everything the SQL depends on."""

    def decorate(build):
        kept = {}

        @wraps(build)
        def first_row(*args):
            name = key(*args)
            query = kept.get(name)
            if query is None:
                query = _compile(build(*args))
                if len(kept) >= MAX_KEPT:
                    kept.clear()
                kept[name] = query
            if query is NOTHING:
                return None
            sql, params = query
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                row = cursor.fetchone()
                return row and dict(zip((column[0] for column in cursor.description), row))

        return first_row

    return decorate


def _compile(queryset):
    try:
        return queryset[:1].query.sql_with_params()
    except EmptyResultSet:
        return NOTHING


def insert(obj, *, then=None):
    """Store a new `obj` with one INSERT whose SQL is built once per model, and set its pk.

    For the hot path's own append-only rows (markups, event log, audit entries):
    `Model.save()` builds its INSERT afresh every time, a third of a markup change's
    CPU. Fields' defaults, `auto_now` and conversions apply as in `save()`, and
    `post_save` is sent when the model has receivers (pre_save is not). `then`: (SQL, params) of a statement
    to run right after it, on PostgreSQL in the same round trip (a data-modifying WITH).
    """
    model, database = type(obj), connections[DEFAULT_DB_ALIAS]  # not the proxy: looked up once, not per field
    key = (model, database.vendor)  # vendor: tests may switch databases
    if key not in _inserts:
        _inserts[key] = _insert_sql(model)
    sql, fields = _inserts[key]
    params = [field.get_db_prep_save(field.pre_save(obj, True), database) for field in fields]
    with database.cursor() as cursor:
        if then and database.vendor == "postgresql":
            sql, params, then = f"WITH inserted AS ({sql}) {then[0]} RETURNING (SELECT * FROM inserted)", [*params, *then[1]], None  # fmt: skip
        cursor.execute(sql, params)
        obj.pk = cursor.fetchone()[0]
        if then:
            cursor.execute(*then)
    obj._state.adding, obj._state.db = False, database.alias
    if post_save.has_listeners(model):
        post_save.send(sender=model, instance=obj, created=True, update_fields=None, raw=False, using=database.alias)
    return obj


_inserts: dict = {}  # (model, vendor) -> (SQL, fields)


def _insert_sql(model):
    meta, quote = model._meta, connection.ops.quote_name
    fields = [field for field in meta.concrete_fields if not field.primary_key]
    columns = ", ".join(quote(field.column) for field in fields)
    values = ", ".join(["%s"] * len(fields))
    returning = quote(meta.pk.column)
    return f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({values}) RETURNING {returning}", fields
