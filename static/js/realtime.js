// The websocket clients. LiveSocket reconnects by itself with backoff and says whether it is
// online; VersionSocket (markups) also resumes from the last `seq` it applied and re-sends
// commands not yet acknowledged (the server applies a repeated `ref` once); the notification
// socket (notifications/socket.js) is a LiveSocket whose every message carries the unread count.
//
//   const socket = new VersionSocket(`/ws/versions/${id}/`);
//   socket.addEventListener("change", (e) => apply(e.detail));  // in seq order, no gaps
//   socket.addEventListener("status", (e) => show(e.detail));   // connecting | online | catching-up | offline | refused
//   await socket.command({type: "annotation.create", data: {...}});  // resolves with the event, rejects with the error

const BACKOFF_MS = [500, 1000, 2000, 4000, 8000, 15000];
const REFUSED = [4401, 4403, 4404]; // not logged in, not allowed, no such version: retrying cannot help
let refCounter = 0;

export function newRef() {
  refCounter += 1;
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}-${refCounter}`;
}

export class CommandError extends Error {
  constructor({ code, message, current }) {
    super(message);
    this.code = code;
    this.current = current;
  }
}

/** A websocket to `path` on this host that opens again after a drop, backing off; messages are
 * handed to `receive` (LiveSocket emits each as an event of its `type`). */
export class LiveSocket extends EventTarget {
  constructor(path, { WebSocketImpl = globalThis.WebSocket, location = globalThis.location, backoff = BACKOFF_MS } = {}) {
    super();
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    this.url = `${scheme}//${location.host}${path}`;
    this.WebSocketImpl = WebSocketImpl;
    this.backoff = backoff;
    this.attempt = 0;
    this.closed = false;
    this.status = "connecting";
    this.connected = false; // once a hello has come
    /** @type {WebSocket | null} */
    this.ws = null;
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this.timer = undefined;
  }

  open() {
    this.setStatus(this.connected ? "offline" : "connecting");
    this.ws = new this.WebSocketImpl(this.url);
    this.ws.onmessage = (event) => this.receive(JSON.parse(event.data));
    this.ws.onclose = (event) => (REFUSED.includes(event.code) ? this.refusedForGood(event.code) : this.reconnectLater());
    return this;
  }

  close() {
    this.closed = true;
    clearTimeout(this.timer);
    this.ws?.close();
  }

  receive(message) {
    if (message.type === "hello") {
      this.attempt = 0;
      this.connected = true;
      this.setStatus("online");
    }
    this.emit(message.type, message);
  }

  reconnectLater() {
    if (this.closed) return;
    this.setStatus("offline");
    const base = this.backoff[Math.min(this.attempt, this.backoff.length - 1)];
    this.attempt += 1;
    this.timer = setTimeout(() => this.open(), base * (0.75 + Math.random() / 2));
  }

  refusedForGood(code) {
    this.closed = true;
    this.setStatus("refused");
    this.emit("refused", code);
  }

  setStatus(status) {
    if (status === this.status) return;
    this.status = status;
    this.emit("status", status);
  }

  emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }
}

export class VersionSocket extends LiveSocket {
  constructor(path, options = {}) {
    super(path, options);
    this.lastSeq = null; // the seq of the last change applied; null before the first hello
    this.pending = new Map(); // ref -> {message, resolve, reject}
    this.catchingUp = false;
    this.skippedSeq = 0; // the highest seq dropped while catching up, beyond what was applied
    this.open();
  }

  // Send a change; resolves with its broadcast event (the acknowledgement).
  command(message) {
    const ref = message.ref || newRef();
    return new Promise((resolve, reject) => {
      this.pending.set(ref, { message: { ...message, ref }, resolve, reject });
      if (this.status === "online") this.transmit({ ...message, ref });
    });
  }

  // Fire-and-forget messages (cursor, view): dropped while offline.
  notify(message) {
    if (this.status === "online") this.transmit({ ...message, ref: message.ref || newRef() });
  }

  transmit(message) {
    if (this.ws?.readyState === 1) this.ws.send(JSON.stringify(message));
  }

  receive(message) {
    switch (message.type) {
      case "hello":
        return this.hello(message);
      case "resumed":
        return this.resumed(message);
      case "resync":
        return this.resume();
      case "error":
        return this.refused(message);
      case "presence":
      case "cursor":
        return this.emit(message.type, message);
      default:
        if (typeof message.seq === "number") this.change(message);
    }
  }

  hello(message) {
    this.attempt = 0;
    this.connected = true;
    this.emit("hello", message);
    if (this.lastSeq === null) {
      this.lastSeq = message.seq; // the page loads the state as of now over HTTP
      this.online();
    } else {
      this.resume();
    }
  }

  resume() {
    this.catchingUp = true;
    this.setStatus("catching-up");
    this.transmit({ type: "resume", ref: newRef(), after_seq: this.lastSeq });
  }

  resumed(message) {
    this.lastSeq = Math.max(this.lastSeq, message.seq);
    if (message.more) return this.resume(); // answers are capped: ask for the next part
    this.catchingUp = false;
    // A live change that overtook the catch-up was dropped as a gap; the catch-up may have
    // been read before it was stored, so ask again rather than wait for the next change.
    const skipped = this.skippedSeq;
    this.skippedSeq = 0;
    if (skipped > this.lastSeq) return this.resume();
    this.online();
  }

  online() {
    this.setStatus("online");
    for (const { message } of this.pending.values()) this.transmit(message);
  }

  change(event) {
    if (event.seq <= this.lastSeq) return this.acknowledge(event); // already applied
    if (event.seq > this.lastSeq + 1) {
      this.skippedSeq = Math.max(this.skippedSeq, event.seq);
      if (!this.catchingUp) this.resume(); // a gap: fetch what is missing, in order
      return;
    }
    this.lastSeq = event.seq;
    this.emit("change", event);
    this.acknowledge(event);
  }

  acknowledge(event) {
    const waiting = event.ref && this.pending.get(event.ref);
    if (waiting) {
      this.pending.delete(event.ref);
      waiting.resolve(event);
    }
  }

  refused(error) {
    const waiting = error.ref && this.pending.get(error.ref);
    if (waiting) {
      this.pending.delete(error.ref);
      waiting.reject(new CommandError(error));
    } else {
      this.emit("error", error);
    }
  }
}
