// Always in view: whether the live connection is up, and messages about refused changes.

const STATUS_TEXT = {
  connecting: "Connecting…",
  online: "Live",
  "catching-up": "Catching up…",
  offline: "Offline — reconnecting…",
  refused: "Disconnected",
};

const STATUS_TITLE = {
  connecting: "Connecting to the live session.",
  online: "Connected: changes by others appear as they are made.",
  "catching-up": "Back online: fetching the changes made while you were away.",
  offline: "The connection dropped. Your changes are kept and sent when it is back.",
  refused: "The server refused the live connection; reload the page or log in again.",
};

export class ConnectionStatus {
  constructor(element, session) {
    this.element = element;
    this.session = session;
    this.status = "connecting";
    session.addEventListener("user", () => this.show(this.status));
  }

  show(status) {
    this.status = status;
    const readOnly = status === "online" && this.session.user && !this.session.user.can_annotate;
    this.element.dataset.status = status;
    this.element.querySelector(".status-text").textContent = readOnly ? "Live · view only" : STATUS_TEXT[status] || status;
    this.element.title = readOnly
      ? "You can follow the review live; only departments taking part in this case can mark it up."
      : STATUS_TITLE[status] || "";
  }
}

export class Notices {
  constructor(element) {
    this.element = element;
    this.timer = null;
  }

  /** kind: info | warning | conflict | forbidden | error. */
  show(text, kind = "info", { timeout = 7000 } = {}) {
    clearTimeout(this.timer);
    this.element.dataset.kind = kind;
    this.element.querySelector(".notice-text").textContent = text;
    this.element.hidden = false;
    if (timeout) this.timer = setTimeout(() => this.hide(), timeout);
  }

  hide() {
    this.element.hidden = true;
  }

  bindClose() {
    this.element.querySelector("[data-action=dismiss]")?.addEventListener("click", () => this.hide());
    return this;
  }
}
