"""How a delivery is signed, and how a receiver checks it (the same code as in docs/integrations.md).

The signature is HMAC-SHA256, keyed with the endpoint's secret, over the timestamp, a dot and the
body exactly as sent: `X-CivicReview-Signature: sha256=<hex>`, `X-CivicReview-Timestamp: <unix seconds>`.
Signing the timestamp with the body lets a receiver refuse an old delivery replayed by someone
who recorded it.
"""

import hashlib
import hmac
import time

TOLERANCE_S = 300


def signature(secret: str, timestamp: int | str, body: bytes) -> str:
    message = str(timestamp).encode() + b"." + body
    return "sha256=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def verify(secret: str, body: bytes, timestamp: str, signed: str, *, now: float | None = None) -> bool:
    """Whether `signed` (the X-CivicReview-Signature header) is the endpoint's signature of this body
    at `timestamp` (the X-CivicReview-Timestamp header), made within TOLERANCE_S of now."""
    try:
        age = abs((time.time() if now is None else now) - int(timestamp))
    except (TypeError, ValueError):
        return False
    return age <= TOLERANCE_S and hmac.compare_digest(signature(secret, timestamp, body), signed)
