"""How the integration tests use the broker: both the test process (sending) and the worker (consuming)."""

VISIBILITY_TIMEOUT_S = 15  # longer than any task these tests run, even on a loaded machine


def transport_options(prefix, visibility_timeout=VISIBILITY_TIMEOUT_S):
    """Every key under the session's `prefix`, so that two test sessions on one Redis never take
    each other's tasks; a message a killed worker left unacknowledged comes back in seconds, not
    after the production visibility timeout."""
    return {
        "global_keyprefix": prefix,
        "visibility_timeout": visibility_timeout,
        "unacked_restore_interval": 1,
        "unacked_restore_throttle": 1,
    }
