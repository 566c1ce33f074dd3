// A WebSocket stand-in for the socket clients' tests: records what is sent, delivers what the
// server would, and closes with a code.
export class FakeSocket {
  static all = [];
  constructor(url) {
    this.url = url;
    this.sent = [];
    this.readyState = 1;
    FakeSocket.all.push(this);
  }
  send(text) {
    this.sent.push(JSON.parse(text));
  }
  close(code = 1006) {
    this.readyState = 3;
    this.onclose?.({ code });
  }
  deliver(message) {
    this.onmessage({ data: JSON.stringify(message) });
  }
  lastSent() {
    return this.sent.at(-1);
  }
}
