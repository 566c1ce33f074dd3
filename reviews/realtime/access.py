"""Access withdrawn under open sockets: every change of who may see a case's versions
ends in `access_changed`, which has every server process re-check its sockets.

The per-change hot path asks nothing of this: a socket's access is checked when it
opens, on `resume`, and again only when a message from here names its case or its
user. The message goes out after commit on the channel layer's ACCESS_GROUP, which
every process's hub joins; a socket that lost access gets nothing more and is closed
with 4403 (contract v2, "limits the outside can rely on").

Changes noticed here by signal: a case's object permissions (its departments, the
admin's object permissions), a user's groups, a user saved (deactivated, staff
taken away). Anything else that changes who may see a case — an applicant taken
off it, say — calls `access_changed(case_ids=[case.pk])` itself.
"""

import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from documents.models import CaseGroupObjectPermission, CaseUserObjectPermission

log = logging.getLogger(__name__)
ACCESS_GROUP = "access-changes"
ACCESS_MESSAGE = "access.changed"
USER_FIELDS_OF_ACCESS = {"is_active", "is_staff", "is_superuser"}


def access_changed(*, case_ids=(), user_ids=()):
    """After commit, have every process re-check its sockets on these cases' versions and of these users."""
    message = {"type": ACCESS_MESSAGE, "cases": sorted(set(case_ids)), "users": sorted(set(user_ids))}
    if message["cases"] or message["users"]:
        transaction.on_commit(lambda: _publish(message), robust=True)


def _publish(message):
    async_to_sync(get_channel_layer().group_send)(ACCESS_GROUP, message)


def user_still_sees(user_id, version_id, *, as_reviewer=False):
    """The version rule asked for the user as stored now (not as the socket loaded it): active, staff,
    groups, applicants. `as_reviewer`: a socket that delivers everything needs the user to still review
    the case; one left only its applicant must close (it would deliver internal markups)."""
    from documents.selectors import may_see_version, reviews_version

    user = get_user_model().objects.filter(pk=user_id).first()
    if user is None:
        return False
    return reviews_version(user, version_id) if as_reviewer else may_see_version(user, version_id)


def _case_permission_changed(sender, instance, **kwargs):
    access_changed(case_ids=[instance.content_object_id])


def _groups_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if reverse and action == "pre_clear":  # group.user_set.clear(): the users are unknown by post_clear
        access_changed(user_ids=list(instance.user_set.values_list("pk", flat=True)))
    elif action in ("post_add", "post_remove", "post_clear"):
        access_changed(user_ids=(pk_set or ()) if reverse else [instance.pk])


def _user_saved(sender, instance, created, update_fields, **kwargs):
    if created or (update_fields is not None and not USER_FIELDS_OF_ACCESS & set(update_fields)):
        return  # a login's last_login, say: nothing of access
    access_changed(user_ids=[instance.pk])


def connect_signals():
    User = get_user_model()
    for model in (CaseGroupObjectPermission, CaseUserObjectPermission):
        post_save.connect(_case_permission_changed, sender=model, dispatch_uid=f"access-{model.__name__}-saved")
        post_delete.connect(_case_permission_changed, sender=model, dispatch_uid=f"access-{model.__name__}-deleted")
    m2m_changed.connect(_groups_changed, sender=User.groups.through, dispatch_uid="access-user-groups")
    post_save.connect(_user_saved, sender=User, dispatch_uid="access-user-saved")
