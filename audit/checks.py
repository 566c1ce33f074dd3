"""`manage.py check --deploy`: the audit chain's key should be its own."""

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security, deploy=True)
def audit_key_is_set(app_configs, **kwargs):
    if settings.AUDIT_HMAC_KEY:
        return []
    return [
        checks.Warning(
            "AUDIT_HMAC_KEY is not set: the audit chain is keyed with a key derived from SECRET_KEY.",
            hint="Set AUDIT_HMAC_KEY to a long random value kept outside the database (and apart from "
            "SECRET_KEY, so that rotating SECRET_KEY does not break the chain).",
            id="audit.W001",
        )
    ]
