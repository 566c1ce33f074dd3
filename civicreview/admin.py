"""What the apps' admins share."""


class ReadOnlyAdminMixin:
    """For append-only records (event log, audit trail): readable in the admin, never added, changed or deleted."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
