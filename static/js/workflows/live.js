// Keeping a server-rendered screen current. The page says what it shows (data-live-screen
// "tasks", or "case" with data-live-case) and the stamp it was rendered at (data-live-stamp);
// the user's live channel says when that changed, and the screen's sections are read again
// from the server and swapped in, so one template renders them whether fresh or live.
//
//   const refresher = new Refresher(["#my-tasks-body"]);
//   followLive(root, () => refresher.request());
import { liveChannel } from "../live_channel.js";

/**
 * Watch root's screen on the live channel; `onChange()` whenever it changed, also while the
 * page was opening or the channel away (the server's stamp then differs from the last seen).
 * @param {HTMLElement} root
 * @param {() => void} onChange
 * @param {import("../realtime.js").LiveSocket} socket
 */
export function followLive(root, onChange, socket = liveChannel()) {
  const screen = root.dataset.liveScreen;
  const caseId = screen === "case" ? Number(root.dataset.liveCase) : undefined;
  let stamp = root.dataset.liveStamp ?? null; // null: changed since the last stamp seen
  /** @param {{screen: string, case?: number}} detail */
  const mine = (detail) => detail.screen === screen && detail.case === caseId;
  const watch = () => socket.transmit({ type: "watch", screen, case: caseId });

  socket.on("hello", watch);
  if (socket.status === "online") watch(); // the hello came before this module ran
  socket.on("watching", (detail) => {
    if (!mine(detail)) return;
    root.setAttribute("data-live", "online");
    if (detail.stamp !== stamp) onChange();
    stamp = detail.stamp;
  });
  socket.on("changed", (detail) => {
    if (!mine(detail)) return;
    stamp = null;
    onChange();
  });
  socket.on("unwatched", (detail) => mine(detail) && root.setAttribute("data-live", "refused"));
  socket.on("status", (status) => {
    if (status === "offline") root.setAttribute("data-live", "reconnecting");
    if (status === "refused") root.setAttribute("data-live", "refused");
  });
}

/**
 * Re-reads the page and swaps the elements matching `selectors`, one read at a time (a
 * change arriving during a read causes one more). While someone is writing in a form
 * inside those sections the swap waits, so that no half-written comment is lost.
 */
export class Refresher {
  /**
   * @param {string[]} selectors
   * @param {{fetchImpl?: typeof fetch}} [options]
   */
  constructor(selectors, { fetchImpl = (input, init) => window.fetch(input, init) } = {}) {
    this.selectors = selectors;
    this.fetch = fetchImpl;
    this.running = null;
    this.again = false;
    this.deferred = false;
    document.addEventListener("focusout", () => setTimeout(() => this.deferred && this.request(), 0));
    document.addEventListener("input", () => setTimeout(() => this.deferred && !this.busy() && this.request(), 0));
  }

  elements(root = document) {
    return this.selectors.flatMap((selector) => [...root.querySelectorAll(selector)]);
  }

  busy() {
    return this.elements().some((element) =>
      [.../** @type {NodeListOf<HTMLInputElement>} */ (element.querySelectorAll("textarea, input[type=text]"))].some(
        (field) => field.value.trim() !== "" || field === document.activeElement,
      ) || element.querySelector("form[data-busy]"),
    );
  }

  request({ force = false } = {}) {
    if (!force && this.busy()) {
      this.deferred = true;
      return Promise.resolve(false);
    }
    this.deferred = false;
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.swap().finally(() => {
      this.running = null;
      if (this.again) {
        this.again = false;
        this.request();
      }
    });
    return this.running;
  }

  async swap() {
    let response;
    try {
      response = await this.fetch(window.location.href, { credentials: "same-origin", headers: { Accept: "text/html" } });
    } catch {
      return false;
    }
    if (!response.ok) return false;
    const fresh = new DOMParser().parseFromString(await response.text(), "text/html");
    for (const selector of this.selectors) {
      const current = [...document.querySelectorAll(selector)];
      const replacement = [...fresh.querySelectorAll(selector)];
      current.forEach((element, index) => {
        if (replacement[index]) element.replaceWith(document.importNode(replacement[index], true));
      });
    }
    document.dispatchEvent(new CustomEvent("workflow:refreshed"));
    return true;
  }
}
