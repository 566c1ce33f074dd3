"""The baseline for bench/realtime.py: a minimal broadcast server on the `websockets` library, no Django.

Every message a client sends goes to every connected client, the sender too.
Compression is off here as in our server (per-socket deflate costs CPU at fan-out).
"""

import asyncio
import sys

from websockets.asyncio.server import broadcast, serve

CLIENTS = set()


async def handler(websocket):
    CLIENTS.add(websocket)
    try:
        async for message in websocket:
            broadcast(CLIENTS, message)
    finally:
        CLIENTS.discard(websocket)


async def main(port):
    async with serve(handler, "127.0.0.1", port, max_queue=None, compression=None):
        await asyncio.Future()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1])))
