"""The baseline for bench/realtime.py: a minimal broadcast server on the `websockets` library, no Django.

Every message a client sends goes to every client connected on the same path (a room: one
version's reviewers), the sender too. Compression is off here as in our server (per-socket
deflate costs CPU at fan-out).
"""

import asyncio
import sys
from collections import defaultdict

from websockets.asyncio.server import broadcast, serve

ROOMS = defaultdict(set)


async def handler(websocket):
    room = ROOMS[websocket.request.path]
    room.add(websocket)
    try:
        async for message in websocket:
            broadcast(room, message)
    finally:
        room.discard(websocket)


async def main(port):
    async with serve(handler, "127.0.0.1", port, max_queue=None, compression=None):
        await asyncio.Future()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1])))
