"""GET /healthz: is each configured service reachable?"""

import redis
from django.conf import settings
from django.db import connection
from django.http import JsonResponse


def healthz(request):
    redis_state = _check_redis() if settings.REDIS_URL else None
    parts = {"database": _check_database(), "channel_layer": redis_state or "memory", "broker": redis_state or "eager"}
    healthy = parts["database"] == "ok" and redis_state in (None, "redis")
    return JsonResponse({"status": "ok" if healthy else "error", **parts}, status=200 if healthy else 503)


def _check_database():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return "ok"
    except Exception as error:  # any failure is the answer
        return f"unreachable: {error.__class__.__name__}"


def _check_redis():
    try:
        redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2, socket_connect_timeout=2).ping()
        return "redis"
    except redis.RedisError as error:
        return f"redis unreachable: {error.__class__.__name__}"
