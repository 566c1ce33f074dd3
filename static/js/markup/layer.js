// The SVG over the sheet, in page points (its viewBox is the page), holding the markups of
// the sheet shown. Redrawn when markups, the sheet or its scale change; each markup's element
// is rebuilt only when what it shows changed.

import { bounds } from "./geometry.js";
import { drawMarkup } from "./shapes.js";
import { svg } from "./svg.js";

export class MarkupLayer {
  constructor({ view, store, session }) {
    this.view = view;
    this.store = store;
    this.session = session;
    this.element = svg("svg", { class: "markup-layer", "aria-hidden": "true", preserveAspectRatio: "none" });
    this.shapes = svg("g", { class: "markup-shapes" });
    this.selection = svg("g", { class: "markup-selection" });
    this.draft = svg("g", { class: "markup-draft" });
    this.element.append(this.shapes, this.selection, this.draft);
    view.overlay.append(this.element);
    this.drawn = new Map(); // id -> {element, signature}
    this.frame = null;
    this.size = null;

    store.addEventListener("change", () => this.schedule());
    view.addEventListener("pagechange", () => this.renderNow());
    view.addEventListener("zoomchange", () => this.#fitViewBox());
    session.addEventListener("user", () => this.schedule());
  }

  get page() {
    return this.view.page?.number ?? null;
  }

  schedule() {
    if (this.frame === null) this.frame = requestAnimationFrame(() => this.renderNow());
  }

  renderNow() {
    if (this.frame !== null) cancelAnimationFrame(this.frame);
    this.frame = null;
    if (!this.view.page) return;
    this.#fitViewBox();
    const page = this.page;
    const scale = this.store.scaleOf(page);
    // Larger markups first, so that smaller ones on top of them can still be picked.
    const shown = this.store.all().filter((a) => a.page === page);
    shown.sort((a, b) => area(b) - area(a));
    const keep = new Set();
    let previous = null;
    for (const annotation of shown) {
      const color = this.session.colorOf(annotation);
      const signature = JSON.stringify([annotation, color, annotation.kind.startsWith("measure") ? scale : null]);
      let entry = this.drawn.get(annotation.id);
      if (!entry || entry.signature !== signature) {
        const element = drawMarkup(annotation, { color, scale });
        entry?.element.replaceWith(element);
        entry = { element, signature };
        this.drawn.set(annotation.id, entry);
      }
      keep.add(annotation.id);
      const expected = previous ? previous.nextSibling : this.shapes.firstChild;
      if (expected !== entry.element) this.shapes.insertBefore(entry.element, expected);
      previous = entry.element;
    }
    for (const [id, entry] of this.drawn) {
      if (!keep.has(id)) {
        entry.element.remove();
        this.drawn.delete(id);
      }
    }
    this.onRendered?.();
  }

  /** Draw the eye to a markup for a moment. */
  flash(id) {
    const element = this.elementOf(id);
    if (!element) return;
    element.classList.remove("is-flashing");
    void element.getBoundingClientRect(); // restart the animation
    element.classList.add("is-flashing");
    setTimeout(() => element.classList.remove("is-flashing"), 1600);
  }

  /** The element drawn for markup `id`, if it is on the sheet shown. */
  elementOf(id) {
    return this.drawn.get(id)?.element ?? null;
  }

  /** A markup under a pointer event, from its drawn group. */
  markupAt(target) {
    const group = target?.closest?.(".markup");
    return group ? this.store.get(idOf(group.dataset.id)) : null;
  }

  #fitViewBox() {
    const page = this.view.page;
    if (!page) return;
    const size = `0 0 ${page.width} ${page.height}`;
    if (size !== this.size) {
      this.element.setAttribute("viewBox", size);
      this.size = size;
    }
  }
}

function area(annotation) {
  const box = bounds(annotation.geometry.points);
  return box.width * box.height;
}

/** Stored markups have numeric ids; those not confirmed yet a temporary string key. */
export function idOf(text) {
  return /^\d+$/.test(text) ? Number(text) : text;
}
