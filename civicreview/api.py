"""What every API view shares: answering our services' refusals as the contract says."""

from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from civicreview.errors import Conflict, describe


def exception_handler(exc, context):
    described = describe(exc)
    if described is None:
        return drf_exception_handler(exc, context)
    _code, status, body = described
    if isinstance(exc, Conflict) and exc.current is not None:
        body = {**body, "current": exc.current}
    return Response(body, status=status)
