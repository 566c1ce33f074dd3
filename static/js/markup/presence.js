// Who else has this plan set open and on which sheet (avatars in department colours; click
// one to go to their sheet), and their pointers on the sheet shown, live.

import { initials } from "./session.js";

const CURSOR_INTERVAL_MS = 100; // the server takes 20 a second; 10 is smooth enough
const CURSOR_IDLE_MS = 3000; // then it fades
const CURSOR_FORGET_MS = 30000;
const MAX_CHIPS = 3;
const POINTER = "M1 1 L1 16 L5 12.2 L8 19 L10.6 17.8 L7.7 11.2 L13 11.2 Z";

export class Presence {
  constructor({ element, view, viewer, socket, session, sheetLabel }) {
    Object.assign(this, { element, view, viewer, socket, session, sheetLabel });
    this.users = [];
    this.cursors = new Map(); // user id -> {element, timers}
    this.cursorLayer = document.createElement("div");
    this.cursorLayer.className = "cursor-layer";
    view.overlay.append(this.cursorLayer);

    socket.addEventListener("hello", (event) => this.#show(event.detail.presence || []));
    socket.addEventListener("presence", (event) => this.#show(event.detail.users || []));
    socket.addEventListener("cursor", (event) => this.#cursor(event.detail));
    socket.addEventListener("status", (event) => event.detail === "online" && this.#sendView());
    view.addEventListener("pagechange", () => {
      this.#sendView();
      this.#clearCursors();
    });
    element.addEventListener("click", (event) => {
      const avatar = event.target.closest("[data-page]");
      if (avatar) viewer.go(Number(avatar.dataset.page));
    });
    this.#trackPointer();
  }

  #sendView() {
    if (this.view.page) this.socket.notify({ type: "view", page: this.view.page.number });
  }

  #show(users) {
    this.users = users;
    const me = this.session.user?.id;
    const others = users.filter((user) => user.id !== me);
    const here = this.view.page?.number;
    // Those on the same sheet first; beyond a few, one chip says how many more.
    others.sort((a, b) => (b.page === here) - (a.page === here) || a.username.localeCompare(b.username));
    const chips = others.slice(0, MAX_CHIPS).map((user) => this.#chip(user, here));
    const rest = others.slice(MAX_CHIPS);
    if (rest.length) {
      const more = document.createElement("span");
      more.className = "avatar avatar-more";
      more.textContent = `+${rest.length}`;
      more.title = rest.map((user) => `${user.username} (sheet ${this.sheetLabel(user.page)})`).join("\n");
      chips.push(more);
    }
    this.element.replaceChildren(...chips);
    this.element.dataset.count = String(others.length);
    this.#markThumbnails(others);
    const present = new Set(others.map((user) => user.id));
    for (const id of this.cursors.keys()) if (!present.has(id)) this.#removeCursor(id);
  }

  /** A dot per person on each sheet's thumbnail, so the sheet strip shows where everyone is. */
  #markThumbnails(others) {
    for (const old of document.querySelectorAll(".thumb-people")) old.remove();
    const bySheet = Map.groupBy(others, (user) => user.page);
    for (const [page, users] of bySheet) {
      const thumb = document.querySelector(`.thumb[data-page="${page}"]`);
      if (!thumb) continue;
      const people = document.createElement("span");
      people.className = "thumb-people";
      people.title = users.map((user) => user.username).join(", ");
      for (const user of users.slice(0, 4)) {
        const dot = document.createElement("span");
        dot.className = "thumb-person";
        dot.style.setProperty("--dept", this.session.department(user.department).color);
        dot.textContent = initials(user.username);
        people.append(dot);
      }
      thumb.append(people);
    }
  }

  #chip(user, here) {
    const department = this.session.department(user.department);
    const sheet = this.sheetLabel(user.page);
    const avatar = document.createElement("button");
    avatar.type = "button";
    avatar.className = "avatar";
    avatar.dataset.page = String(user.page);
    avatar.dataset.username = user.username;
    avatar.dataset.testid = "presence-avatar";
    avatar.style.setProperty("--dept", department.color);
    avatar.title = `${user.username} (${department.name}) is on sheet ${sheet}.${user.page === here ? "" : " Click to go there."}`;
    avatar.setAttribute("aria-label", avatar.title);
    avatar.innerHTML = '<span class="avatar-initials"></span><span class="avatar-sheet"></span>';
    avatar.firstChild.textContent = initials(user.username);
    avatar.lastChild.textContent = sheet;
    if (user.page === here) avatar.classList.add("is-here");
    return avatar;
  }

  #trackPointer() {
    let last = 0;
    let trailing = null;
    const send = (point) => {
      last = performance.now();
      this.socket.notify({ type: "cursor", page: this.view.page.number, x: round(point.x), y: round(point.y) });
    };
    this.view.scroller.addEventListener("pointermove", (event) => {
      const page = this.view.page;
      if (!page || !this.session.user) return;
      const point = this.view.clientToPage({ x: event.clientX, y: event.clientY });
      if (point.x < 0 || point.y < 0 || point.x > page.width || point.y > page.height) return;
      clearTimeout(trailing);
      const wait = CURSOR_INTERVAL_MS - (performance.now() - last);
      if (wait <= 0) send(point);
      else trailing = setTimeout(() => send(point), wait); // the last position always goes out
    });
  }

  #cursor(message) {
    if (!message.user || message.user.id === this.session.user?.id) return; // our own, echoed
    if (!this.view.page || message.page !== this.view.page.number) return this.#removeCursor(message.user.id);
    let cursor = this.cursors.get(message.user.id);
    if (!cursor) {
      const user = this.users.find((u) => u.id === message.user.id);
      const department = this.session.department(user?.department);
      const element = document.createElement("div");
      element.className = "remote-cursor";
      element.dataset.username = message.user.username;
      element.style.setProperty("--dept", department.color);
      element.innerHTML = `<svg viewBox="0 0 16 20" aria-hidden="true"><path d="${POINTER}"/></svg>
        <span class="remote-cursor-name"></span>`;
      element.querySelector(".remote-cursor-name").textContent = message.user.username;
      this.cursorLayer.append(element);
      cursor = { element, idle: null, forget: null };
      this.cursors.set(message.user.id, cursor);
    }
    cursor.element.style.setProperty("--x", String(message.x));
    cursor.element.style.setProperty("--y", String(message.y));
    cursor.element.classList.remove("is-idle");
    clearTimeout(cursor.idle);
    clearTimeout(cursor.forget);
    cursor.idle = setTimeout(() => cursor.element.classList.add("is-idle"), CURSOR_IDLE_MS);
    cursor.forget = setTimeout(() => this.#removeCursor(message.user.id), CURSOR_FORGET_MS);
  }

  #removeCursor(id) {
    const cursor = this.cursors.get(id);
    if (!cursor) return;
    clearTimeout(cursor.idle);
    clearTimeout(cursor.forget);
    cursor.element.remove();
    this.cursors.delete(id);
  }

  #clearCursors() {
    for (const id of [...this.cursors.keys()]) this.#removeCursor(id);
    this.#show(this.users); // "on this sheet" rings follow the sheet shown
  }
}

function round(value) {
  return Math.round(value * 10) / 10;
}
