"""Who acts in a request, for audit entries recorded without an explicit actor
(such as the permission changes a case's departments bring)."""

from audit.services import acting_as


class ActorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Resolve the lazy user here, in the request's thread: evaluated later inside the
        # event loop (uvicorn), the database lookup would block it.
        user = getattr(request, "user", None)
        actor = user if user is not None and user.is_authenticated else None
        with acting_as(actor):
            return self.get_response(request)
