// node --test tests/js: the websocket client's resume, gap and re-send logic, on a fake socket.
import assert from "node:assert/strict";
import { test } from "node:test";

import { FakeSocket } from "./fake_socket.mjs";
import { CommandError, VersionSocket } from "../../static/js/realtime.js";

function connect() {
  FakeSocket.all = [];
  const socket = new VersionSocket("/ws/versions/3/", {
    WebSocketImpl: FakeSocket,
    location: { protocol: "https:", host: "plans.example.gov" },
    backoff: [1],
  });
  const changes = [];
  const statuses = [];
  socket.addEventListener("change", (e) => changes.push(e.detail.seq));
  socket.addEventListener("status", (e) => statuses.push(e.detail));
  return { socket, changes, statuses, ws: () => FakeSocket.all.at(-1) };
}

const created = (seq, ref = null) => ({ type: "annotation.created", seq, ref, data: { id: seq } });
const tick = (ms = 5) => new Promise((resolve) => setTimeout(resolve, ms));

test("connects to wss on the page's host and goes online at hello", () => {
  const { socket, ws, statuses } = connect();
  assert.equal(ws().url, "wss://plans.example.gov/ws/versions/3/");
  ws().deliver({ type: "hello", seq: 7, user: {}, presence: [] });
  assert.equal(socket.lastSeq, 7);
  assert.deepEqual(statuses, ["online"]);
});

test("applies changes in seq order and ignores repeats", () => {
  const { ws, changes } = connect();
  ws().deliver({ type: "hello", seq: 0 });
  ws().deliver(created(1));
  ws().deliver(created(2));
  ws().deliver(created(2));
  assert.deepEqual(changes, [1, 2]);
});

test("a gap in seq asks to resume from the last applied change", () => {
  const { ws, changes, statuses } = connect();
  ws().deliver({ type: "hello", seq: 1 });
  ws().deliver(created(3));
  assert.deepEqual(ws().lastSent(), { type: "resume", ref: ws().lastSent().ref, after_seq: 1 });
  assert.equal(statuses.at(-1), "catching-up");
  ws().deliver(created(2));
  ws().deliver(created(3));
  ws().deliver({ type: "resumed", seq: 3 });
  assert.deepEqual(changes, [2, 3]);
  assert.equal(statuses.at(-1), "online");
});

test("a command resolves with its broadcast and rejects with its error", async () => {
  const { socket, ws } = connect();
  ws().deliver({ type: "hello", seq: 0 });
  const done = socket.command({ type: "annotation.create", data: {} });
  const ref = ws().lastSent().ref;
  ws().deliver(created(1, ref));
  assert.equal((await done).seq, 1);
  const refused = socket.command({ type: "annotation.update", id: 1, revision: 1, data: {} });
  ws().deliver({ type: "error", ref: ws().lastSent().ref, code: "conflict", message: "stale", current: { revision: 2 } });
  await assert.rejects(refused, (error) => error instanceof CommandError && error.code === "conflict" && error.current.revision === 2);
});

test("after a dropped connection it reconnects, resumes and re-sends what was not acknowledged", async () => {
  const { socket, ws, changes, statuses } = connect();
  ws().deliver({ type: "hello", seq: 4 });
  const first = ws();
  const done = socket.command({ type: "annotation.create", ref: "keep-me", data: {} });
  first.close();
  assert.equal(statuses.at(-1), "offline");
  await tick();
  const second = ws();
  assert.notEqual(second, first);
  second.deliver({ type: "hello", seq: 5 });
  assert.deepEqual(second.sent[0], { type: "resume", ref: second.sent[0].ref, after_seq: 4 });
  second.deliver(created(5));
  second.deliver({ type: "resumed", seq: 5 });
  assert.equal(statuses.at(-1), "online");
  assert.equal(second.lastSent().ref, "keep-me", "the unacknowledged command is sent again");
  second.deliver(created(6, "keep-me"));
  assert.equal((await done).seq, 6);
  assert.deepEqual(changes, [5, 6]);
});

test("a command the server applied before the drop is acknowledged by the catch-up, not sent again", async () => {
  const { socket, ws } = connect();
  ws().deliver({ type: "hello", seq: 0 });
  const done = socket.command({ type: "annotation.create", ref: "applied", data: {} });
  ws().close();
  await tick();
  ws().deliver({ type: "hello", seq: 1 });
  ws().deliver(created(1, "applied"));
  ws().deliver({ type: "resumed", seq: 1 });
  assert.equal((await done).seq, 1);
  assert.ok(!ws().sent.some((m) => m.ref === "applied"));
});

test("resync from the server makes the client resume", () => {
  const { ws } = connect();
  ws().deliver({ type: "hello", seq: 2 });
  ws().deliver({ type: "resync" });
  assert.equal(ws().lastSent().type, "resume");
  assert.equal(ws().lastSent().after_seq, 2);
});

test("a refused connection does not retry", async () => {
  const { ws, statuses } = connect();
  ws().close(4403);
  await tick();
  assert.equal(FakeSocket.all.length, 1);
  assert.equal(statuses.at(-1), "refused");
});

test("a live change that overtakes the catch-up is fetched again, not lost", () => {
  const { ws, changes, statuses } = connect();
  ws().deliver({ type: "hello", seq: 1 });
  ws().deliver(created(3)); // a gap: resume after 1
  ws().deliver(created(4)); // arrives live before the catch-up, which was read before 4 was stored
  ws().deliver(created(2));
  ws().deliver(created(3));
  ws().deliver({ type: "resumed", seq: 3 });
  assert.equal(statuses.at(-1), "catching-up", "seq 4 was dropped: ask again");
  assert.deepEqual(ws().lastSent(), { type: "resume", ref: ws().lastSent().ref, after_seq: 3 });
  ws().deliver(created(4));
  ws().deliver({ type: "resumed", seq: 4 });
  assert.equal(statuses.at(-1), "online");
  assert.deepEqual(changes, [2, 3, 4]);
});

test("a capped resume answer (more: true) asks again from the seq reached, then goes online", () => {
  const { socket, ws, changes, statuses } = connect();
  ws().deliver({ type: "hello", seq: 0 });
  socket.resume();
  ws().deliver(created(1));
  ws().deliver(created(2));
  ws().deliver({ type: "resumed", seq: 2, more: true });
  assert.deepEqual(ws().lastSent(), { type: "resume", ref: ws().lastSent().ref, after_seq: 2 });
  assert.equal(statuses.at(-1), "catching-up");
  ws().deliver(created(3));
  ws().deliver(created(4));
  ws().deliver({ type: "resumed", seq: 4, more: false });
  assert.deepEqual(changes, [1, 2, 3, 4]);
  assert.equal(statuses.at(-1), "online");
});

test("an applicant's hidden events advance seq without a gap or a resume", () => {
  const { ws, changes, socket } = connect();
  ws().deliver({ type: "hello", seq: 0 });
  ws().deliver({ type: "hidden", seq: 1 });
  ws().deliver(created(2));
  assert.deepEqual(changes, [1, 2]);
  assert.equal(socket.lastSeq, 2);
  assert.ok(!ws().sent.some((message) => message.type === "resume"));
});
