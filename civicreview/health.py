"""GET /healthz: is each configured service reachable?"""

import redis
from django.conf import settings
from django.db import connection
from django.http import JsonResponse


def healthz(request):
    report = {"database": _check_database()}
    mode = "redis" if settings.REDIS_URL else None
    redis_state = _check_redis() if mode else None
    report["channel_layer"] = redis_state or "memory"
    report["broker"] = redis_state or "eager"
    failing = [part for part, state in report.items() if state not in ("ok", "redis", "memory", "eager")]
    report["status"] = "error" if failing else "ok"
    return JsonResponse({"status": report.pop("status"), **report}, status=503 if failing else 200)


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
