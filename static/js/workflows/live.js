// Keeping a server-rendered screen current. The server's event stream (/live/) says when
// what the screen shows has changed; the screen's sections are then read again from the
// server and swapped in, so one template renders them whether fresh or live.
//
//   const refresher = new Refresher(["#my-tasks-body"]);
//   followLive(root, () => refresher.request());

/** Listen to the stream named by root's data-live-url; `onChange()` on every change. */
export function followLive(root, onChange) {
  const url = new URL(root.dataset.liveUrl, window.location.href);
  if (root.dataset.liveStamp) url.searchParams.set("since", root.dataset.liveStamp);
  const source = new EventSource(url);
  source.addEventListener("changed", () => onChange());
  source.addEventListener("open", () => root.setAttribute("data-live", "online"));
  source.addEventListener("error", () => root.setAttribute("data-live", "reconnecting")); // EventSource retries by itself
  window.addEventListener("pagehide", () => source.close());
  return source;
}

/**
 * Re-reads the page and swaps the elements matching `selectors`, one read at a time (a
 * change arriving during a read causes one more). While someone is writing in a form
 * inside those sections the swap waits, so that no half-written comment is lost.
 */
export class Refresher {
  constructor(selectors, { fetchImpl = (...args) => window.fetch(...args) } = {}) {
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
      [...element.querySelectorAll("textarea, input[type=text]")].some(
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
