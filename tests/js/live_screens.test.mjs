// node --test tests/js: a screen following the user's live channel reads itself again when,
// and only when, what it shows changed.
import assert from "node:assert/strict";
import { test } from "node:test";

import { FakeSocket } from "./fake_socket.mjs";
import { LiveSocket } from "../../static/js/realtime.js";
import { followLive } from "../../static/js/workflows/live.js";

function screen(dataset) {
  const socket = new LiveSocket("/ws/live/", {
    WebSocketImpl: FakeSocket,
    location: { protocol: "http:", host: "localhost" },
    backoff: [1],
  }).open();
  const root = { dataset, attributes: {}, setAttribute(name, value) { this.attributes[name] = value; } };
  let reads = 0;
  followLive(/** @type {any} */ (root), () => (reads += 1), socket);
  return { root, ws: FakeSocket.all.at(-1), reads: () => reads };
}

const tick = (ms = 5) => new Promise((resolve) => setTimeout(resolve, ms));

test("watches its case at hello and reads again only if the stamp moved meanwhile", () => {
  const { ws, root, reads } = screen({ liveScreen: "case", liveCase: "12", liveStamp: "c1" });
  ws.deliver({ type: "hello", unread: 0 });
  assert.deepEqual(ws.sent, [{ type: "watch", screen: "case", case: 12 }]);
  ws.deliver({ type: "watching", screen: "case", case: 12, stamp: "c1" });
  assert.equal(reads(), 0);
  assert.equal(root.attributes["data-live"], "online");
  ws.deliver({ type: "watching", screen: "case", case: 12, stamp: "c2" });
  assert.equal(reads(), 1);
});

test("reads again on each change of its own screen, not of another case's", () => {
  const { ws, reads } = screen({ liveScreen: "case", liveCase: "12", liveStamp: "c1" });
  ws.deliver({ type: "hello", unread: 0 });
  ws.deliver({ type: "changed", screen: "case", case: 13 });
  ws.deliver({ type: "changed", screen: "tasks" });
  assert.equal(reads(), 0);
  ws.deliver({ type: "changed", screen: "case", case: 12 });
  assert.equal(reads(), 1);
});

test("after a change and a reconnection it reads again, the stamp it knew being stale", async () => {
  const { ws, root, reads } = screen({ liveScreen: "tasks", liveStamp: "u1" });
  ws.deliver({ type: "hello", unread: 0 });
  assert.deepEqual(ws.sent, [{ type: "watch", screen: "tasks" }]);
  ws.deliver({ type: "watching", screen: "tasks", stamp: "u1" });
  ws.deliver({ type: "changed", screen: "tasks" });
  assert.equal(reads(), 1);
  ws.close();
  assert.equal(root.attributes["data-live"], "reconnecting");
  await tick();
  const again = FakeSocket.all.at(-1);
  again.deliver({ type: "hello", unread: 0 });
  assert.deepEqual(again.sent, [{ type: "watch", screen: "tasks" }]);
  again.deliver({ type: "watching", screen: "tasks", stamp: "u2" });
  assert.equal(reads(), 2);
});

test("a case it no longer may watch marks the screen refused", () => {
  const { ws, root } = screen({ liveScreen: "case", liveCase: "12", liveStamp: "c1" });
  ws.deliver({ type: "hello", unread: 0 });
  ws.deliver({ type: "unwatched", screen: "case", case: 12 });
  assert.equal(root.attributes["data-live"], "refused");
});
