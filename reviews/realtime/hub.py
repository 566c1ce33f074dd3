"""Local fan-out: one channel-layer subscription per process and open version.

channels-redis delivers a group message once per member channel, so with a
channel per socket every change costs a Redis round trip per socket and the
layer drops messages under load. Here each process joins a version's group
once, with one channel of its own, and hands every message to the sockets
it holds. The event log stays the source of truth: a socket that misses a
message sees a gap in `seq` and resumes.
"""

import asyncio
import json
import logging
import weakref
from collections import defaultdict

from channels.db import database_sync_to_async
from channels.layers import get_channel_layer

from reviews.realtime import access
from reviews.services import presence
from reviews.services.events import group_name

log = logging.getLogger(__name__)
REJOIN_S = 3600  # channels-redis forgets group members after a day; join again well before
PRESENCE_DELAY_S = 0.3  # presence changes within this time go out as one message


class Hub:
    def __init__(self):
        self.sockets = defaultdict(set)  # version id -> consumers in this process
        self.channel = None
        self.lock = asyncio.Lock()
        self.tasks = []
        self.presence_due = set()  # versions whose presence announcement is scheduled

    async def join(self, version_id, socket):
        async with self.lock:
            layer = get_channel_layer()
            if self.channel is None:
                self.channel = await layer.new_channel("hub.")
                await layer.group_add(access.ACCESS_GROUP, self.channel)
                self.tasks = [asyncio.create_task(self._read()), asyncio.create_task(self._refresh())]
            if not self.sockets[version_id]:
                await layer.group_add(group_name(version_id), self.channel)
            self.sockets[version_id].add(socket)

    async def leave(self, version_id, socket):
        async with self.lock:
            members = self.sockets.get(version_id)
            if members is None:
                return
            members.discard(socket)
            if not members:
                del self.sockets[version_id]
                await get_channel_layer().group_discard(group_name(version_id), self.channel)

    def presence_changed(self, version_id):
        """Announce who is on the version soon, once for any number of joins, leaves and moves."""
        if version_id not in self.presence_due:
            self.presence_due.add(version_id)
            asyncio.get_running_loop().call_later(PRESENCE_DELAY_S, self._announce_soon, version_id)

    def _announce_soon(self, version_id):
        self.presence_due.discard(version_id)
        task = asyncio.create_task(database_sync_to_async(presence.announce)(version_id))
        task.add_done_callback(_log_failure)

    async def send_local(self, version_id, message):
        frame = {
            "type": "websocket.send",
            "text": json.dumps(message, allow_nan=False),
        }  # encoded once for every socket
        for socket in list(self.sockets.get(version_id, ())):
            try:
                await socket.deliver(frame, message)  # an applicant's socket filters (reviews.services.audience)
            except Exception:  # that socket is closing; the others still get it
                log.debug("delivery to a closing socket failed", exc_info=True)

    async def dispatch(self, message):
        """One message from the layer: a version's event for its sockets, or an access change."""
        if message.get("type") == access.ACCESS_MESSAGE:
            await self.recheck_access(message["cases"], message["users"])
        else:
            await self.send_local(message["version"], message["message"])

    async def recheck_access(self, case_ids, user_ids):
        """Ask again, for the sockets on these cases' versions or of these users, whether they
        may still see their version; those that may not get nothing more and close with 4403."""
        case_ids, user_ids = set(case_ids), set(user_ids)
        affected = [
            socket
            for members in list(self.sockets.values())
            for socket in list(members)
            if socket.case_id in case_ids or socket.user.pk in user_ids
        ]
        for socket in affected:
            try:
                await socket.recheck_access()
            except Exception:  # one socket's failure must not keep the others open
                log.warning("access re-check failed; closing the socket", exc_info=True)
                await socket.withdraw()

    async def _read(self):
        layer = get_channel_layer()
        while True:
            try:
                message = await layer.receive(self.channel)
            except asyncio.CancelledError:
                raise
            except Exception:
                # Redis restarted or timed out while the loop was busy writing to sockets:
                # join the groups again and have every socket catch up from the log.
                log.warning("hub receive failed; rejoining", exc_info=True)
                while not await self._recover():
                    await asyncio.sleep(0.5)
                continue
            await self.dispatch(message)

    async def _recover(self):
        """Join the groups again; once that works, have the sockets resync. False: not yet."""
        try:
            await self._rejoin()
        except Exception:
            log.warning("rejoining failed; will try again", exc_info=True)
            return False
        for version_id in list(self.sockets):
            await self.send_local(version_id, {"type": "resync"})
        return True

    async def _rejoin(self):
        layer = get_channel_layer()
        await layer.group_add(access.ACCESS_GROUP, self.channel)
        for version_id in list(self.sockets):
            await layer.group_add(group_name(version_id), self.channel)

    async def _refresh(self):
        since_rejoin = 0
        while True:
            await asyncio.sleep(presence.REFRESH_S)
            try:
                sockets = [s.socket_id for members in self.sockets.values() for s in members]
                await database_sync_to_async(presence.refresh)(sockets)
                since_rejoin += presence.REFRESH_S
                if since_rejoin >= REJOIN_S:
                    since_rejoin = 0
                    await self._rejoin()
            except Exception:
                log.warning("hub refresh failed; will try again", exc_info=True)


def _log_failure(task):
    if not task.cancelled() and task.exception():
        log.warning("presence announcement failed", exc_info=task.exception())


_hubs = weakref.WeakKeyDictionary()


def hub():
    """This event loop's hub (one per server process; tests may run several loops)."""
    loop = asyncio.get_running_loop()
    if loop not in _hubs:
        _hubs[loop] = Hub()
    return _hubs[loop]
