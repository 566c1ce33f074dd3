// Find in set (Ctrl+F). The server lists the sheets holding the words, from the text extracted
// at intake (one query, however many sheets); on the sheet shown, the words are placed from
// that sheet's PDF.js text content, which the viewer has loaded to draw it anyway. Enter or F3
// steps to the next hit, Shift with them to the one before, across sheets.
import { apiFetch } from "../api.js";
import { bounds, matchQuads, stepHit } from "./find_boxes.js";

const SVG = "http://www.w3.org/2000/svg";
const READABLE_PX = 16; // a hit's text smaller than this on screen is zoomed to this height
const MAX_FIND_ZOOM = 400;

export class FindInSet {
  constructor(viewer, panel) {
    this.viewer = viewer;
    this.panel = panel;
    this.input = panel.querySelector("#find-input");
    this.status = panel.querySelector("#find-status");
    this.list = panel.querySelector("#find-results");
    this.layer = this.#makeLayer(viewer.view.pageElement);
    this.query = "";
    this.result = null; // {terms, total, pages: [{page, label, title, count, snippet}]}
    this.at = null; // {page, index, count}: the current hit
    this.boxes = []; // the shown sheet's hits, in page points
    this.#bind();
  }

  /** Show the box (with `text` sought at once, if given). */
  open(text = "") {
    this.panel.hidden = false;
    if (text) {
      this.input.value = text;
      this.search(text);
    }
    this.input.focus();
    this.input.select();
  }

  close() {
    this.panel.hidden = true;
    this.query = "";
    this.result = null;
    this.at = null;
    this.#draw([]);
    this.viewer.view.scroller.focus();
  }

  async search(text) {
    this.query = text.trim();
    if (!this.query) return;
    this.status.textContent = "Searching…";
    try {
      this.result = await apiFetch(`/api/versions/${this.viewer.version.id}/find/?q=${encodeURIComponent(this.query)}`);
    } catch (error) {
      this.result = null;
      this.status.textContent = error.message;
      return;
    }
    this.#list();
    const here = this.result.pages.find((sheet) => sheet.page === this.viewer.number);
    this.at = null;
    if (this.result.pages.length) await this.#goTo(here ? { page: here.page, index: 0 } : stepHit(this.result.pages, null, 1));
  }

  /** The next hit (step 1) or the one before (-1). */
  async step(step) {
    if (this.input.value.trim() !== this.query) return this.search(this.input.value);
    if (!this.result?.pages.length) return;
    await this.#goTo(stepHit(this.result.pages, this.at, step));
  }

  /** The viewer shows sheet `number`: place its hits. */
  async sheetShown(number) {
    if (!this.result) return this.#draw([]);
    if (this.at?.page !== number) this.at = { page: number, index: 0, count: 0 };
    await this.#place(number);
  }

  async #goTo(hit) {
    this.at = { ...hit, count: 0 };
    if (this.viewer.number !== hit.page) await this.viewer.go(hit.page);
    else await this.#place(hit.page);
  }

  async #place(number) {
    const terms = this.result.terms;
    const page = await this.viewer.pdf.getPage(number);
    const content = await page.getTextContent();
    if (this.viewer.number !== number || this.result?.terms !== terms) return;
    const viewport = page.getViewport({ scale: 1 });
    const quads = matchQuads(content.items, terms);
    this.boxes = quads.map(({ quad }) => bounds(quad.map(([x, y]) => viewport.convertToViewportPoint(x, y))));
    if (this.at.index < 0) this.at.index = Math.max(0, this.boxes.length - 1);
    this.at.count = this.boxes.length;
    this.#draw(this.boxes, this.at.index);
    const box = this.boxes[this.at.index];
    if (box) this.#reveal(box);
    this.#say();
  }

  /** Centre the hit, zoomed in far enough to read it when its text is tiny at this zoom. */
  #reveal(box) {
    const view = this.viewer.view;
    const onScreen = box.height * view.layout.scale;
    if (onScreen < READABLE_PX) view.setZoom(Math.min(MAX_FIND_ZOOM, (view.zoom * READABLE_PX) / Math.max(onScreen, 0.1)));
    view.centerOn({ x: box.x + box.width / 2, y: box.y + box.height / 2 });
  }

  #say() {
    const { pages, total } = this.result;
    const sheet = pages.findIndex((s) => s.page === this.at?.page);
    const where = sheet < 0 ? "" : ` · sheet ${sheet + 1} of ${pages.length}, hit ${Math.min(this.at.index + 1, this.at.count)} of ${this.at.count}`;
    this.status.textContent = pages.length ? `${total} ${total === 1 ? "hit" : "hits"} on ${pages.length} ${pages.length === 1 ? "sheet" : "sheets"}${where}` : "Not found";
    for (const item of this.list.children) item.toggleAttribute("aria-current", Number(item.dataset.page) === this.at?.page);
  }

  #list() {
    const items = this.result.pages.map((sheet) => {
      const item = document.createElement("li");
      item.dataset.page = String(sheet.page);
      const button = document.createElement("button");
      button.type = "button";
      button.className = "find-hit";
      const name = [sheet.label || `Page ${sheet.page}`, sheet.title].filter(Boolean).join(" · ");
      const head = Object.assign(document.createElement("span"), { className: "find-sheet", textContent: name });
      const count = Object.assign(document.createElement("span"), { className: "count", textContent: String(sheet.count) });
      const snippet = Object.assign(document.createElement("span"), { className: "find-snippet" });
      snippet.innerHTML = sheet.snippet; // escaped by the server; only <mark> is markup
      button.append(head, count, snippet);
      button.addEventListener("click", () => this.#goTo({ page: sheet.page, index: 0 }));
      item.append(button);
      return item;
    });
    this.list.replaceChildren(...items);
    this.#say();
  }

  #makeLayer(pageElement) {
    const layer = document.createElementNS(SVG, "svg");
    layer.setAttribute("class", "find-layer");
    layer.setAttribute("aria-hidden", "true");
    layer.setAttribute("preserveAspectRatio", "none");
    pageElement.insertBefore(layer, pageElement.querySelector(".sheet-overlay"));
    return layer;
  }

  #draw(boxes, current = -1) {
    const { width, height } = this.viewer.view.page || { width: 1, height: 1 };
    this.layer.setAttribute("viewBox", `0 0 ${width} ${height}`);
    this.layer.dataset.hits = String(boxes.length);
    this.layer.replaceChildren(
      ...boxes.map((box, index) => {
        const rect = document.createElementNS(SVG, "rect");
        for (const key of ["x", "y", "width", "height"]) rect.setAttribute(key, String(box[key]));
        rect.setAttribute("class", index === current ? "find-box is-current" : "find-box");
        return rect;
      }),
    );
  }

  #bind() {
    this.panel.querySelector(".find-form").addEventListener("submit", (event) => event.preventDefault());
    this.input.addEventListener("keydown", (event) => {
      if (event.key === "Enter" || event.key === "F3") {
        event.preventDefault();
        this.step(event.shiftKey ? -1 : 1);
      } else if (event.key === "Escape") {
        event.preventDefault();
        this.close();
      }
    });
    this.panel.addEventListener("click", (event) => {
      const action = event.target.closest("[data-find]")?.dataset.find;
      if (action === "close") this.close();
      else if (action) this.step(action === "next" ? 1 : -1);
    });
    this.viewer.view.addEventListener("pagechange", (event) => this.sheetShown(event.detail.page));
  }
}

/** The words a link asked the viewer to find: `#page=3&find=fire%20door`. */
export function wordsToFind(hash) {
  const match = hash.match(/[#&]find=([^&]*)/);
  if (!match) return "";
  try {
    return decodeURIComponent(match[1].replace(/\+/g, " "));
  } catch {
    return "";
  }
}
