// Comparing a changed sheet with its match in the previous version (GET /api/versions/{id}/changes/):
// side by side with pan and zoom locked together, or overlaid as in Bluebeam — old in red, new in
// blue, unchanged in grey — both drawn by PDF.js here in the browser. "Compare with version N" in
// the toolbar opens it for a changed sheet; Escape closes it.
import { apiFetch } from "../api.js";
import { OVERLAY_COLOURS, compositeOverlay, mapView, stretched } from "./comparison.js";
import { stepZoom } from "./geometry.js";
import { loadDocument } from "./pdf_document.js";
import { SheetView } from "./sheet_view.js";

const IDENTITY = [1, 0, 0, 1, 0, 0];
const SETTLED_PX = 1; // a follower this close to where it should be is left alone: no ping-pong

/** Offer the comparison on the changed sheets of `viewer`'s version; `changes` as the API gives them. */
export async function offerComparison(viewer, root, changes) {
  const changed = new Map(
    changes.sheets.filter((sheet) => sheet.change === "changed" && sheet.previous_page).map((sheet) => [sheet.page, sheet.previous_page]),
  );
  if (!changed.size) return null;
  const previous = await apiFetch(`/api/versions/${changes.previous}/`);
  return new Comparison(viewer, root, previous, changed);
}

class Comparison {
  constructor(viewer, root, previous, changed) {
    this.viewer = viewer;
    this.root = root;
    this.previous = previous; // the previous version, as GET /api/versions/{id}/ gives it
    this.changed = changed; // page of this version -> its page in the previous one
    this.dialog = root.querySelector("#compare");
    this.button = root.querySelector("[data-action=compare]");
    this.message = this.dialog.querySelector("#compare-message");
    this.button.textContent = `Compare with version ${previous.number}`;
    this.pdf = null; // the previous version's PDF.js document, once asked for
    this.panes = null; // {old, new, overlay}: SheetViews, made when first shown
    this.leader = null; // the pane the reviewer moved last: the others follow it
    this.syncing = false;
    this.mode = "side";
    viewer.view.addEventListener("pagechange", () => this.#offer());
    this.button.addEventListener("click", () => this.open());
    this.dialog.addEventListener("click", (event) => this.#command(event.target.closest("[data-compare]")?.dataset.compare));
    this.dialog.addEventListener("keydown", (event) => this.#onKey(event));
    this.dialog.addEventListener("close", () => this.#closed());
    this.#offer();
  }

  #offer() {
    this.button.hidden = !this.changed.has(this.viewer.number);
  }

  /** Open the comparison of the sheet on screen, at the place and zoom the viewer shows. */
  async open() {
    const number = this.viewer.number;
    const previousNumber = this.changed.get(number);
    if (!previousNumber) return;
    this.dialog.showModal();
    this.dialog.dataset.state = "loading";
    this.message.textContent = "Opening both versions of the sheet…";
    const panes = this.#makePanes();
    const label = this.viewer.pages?.[number - 1]?.label || `Page ${number}`;
    this.#describe(label, number, previousNumber);
    try {
      this.pdf ??= loadDocument(this.root, this.previous.file_url);
      const [oldPage, newPage] = await Promise.all([(await this.pdf).getPage(previousNumber), this.viewer.pdf.getPage(number)]);
      if (!this.dialog.open) return;
      show(panes.old, previousNumber, oldPage);
      show(panes.new, number, newPage);
      show(panes.overlay, number, new OverlayPage(oldPage, newPage));
      this.message.textContent = "";
      this.dialog.dataset.state = "ready";
      this.#setMode(this.mode, this.viewer.view.snapshot());
      this.#activeView().scroller.focus();
    } catch (error) {
      console.error("The comparison could not be opened", error);
      this.message.textContent = `The previous version's sheet could not be opened: ${error.message || error}`;
      this.dialog.dataset.state = "failed";
    }
  }

  #describe(label, number, previousNumber) {
    const before = this.previous.number;
    const now = this.viewer.version.number;
    const previousLabel = this.previous.pages?.[previousNumber - 1]?.label || `page ${previousNumber}`;
    this.dialog.querySelector("#compare-title").textContent = `${label}: version ${before} and version ${now}`;
    this.dialog.querySelector("#compare-old-caption").textContent = `Version ${before} · ${previousLabel}`;
    this.dialog.querySelector("#compare-new-caption").textContent = `Version ${now} · ${label}`;
    this.dialog.querySelector("#compare-overlay-caption").textContent =
      `Overlay of version ${before} (red) and version ${now} (blue); both in grey`;
    const legend = this.dialog.querySelector("#compare-legend");
    legend.replaceChildren(
      ...swatch("old", `only in version ${before}`),
      ...swatch("new", `only in version ${now}`),
      ...swatch("both", "in both"),
    );
  }

  #makePanes() {
    if (this.panes) return this.panes;
    const body = this.dialog.querySelector(".compare-body");
    const view = (name) => new SheetView(body.appendChild(pane(name)).querySelector(".sheet-view"));
    this.panes = { old: view("old"), new: view("new"), overlay: view("overlay") };
    this.#lock(this.panes.old, this.panes.new);
    this.#lock(this.panes.new, this.panes.old);
    this.leader = this.panes.new;
    for (const pane of Object.values(this.panes)) {
      for (const type of ["pointerdown", "wheel", "keydown", "focusin"]) {
        pane.scroller.addEventListener(type, () => (this.leader = pane), { capture: true, passive: true });
      }
    }
    return this.panes;
  }

  /** Whatever `leader` does, `follower` shows the same spot of its sheet at a matching zoom. */
  #lock(leader, follower) {
    const follow = () => {
      if (this.leader !== leader || this.syncing || !leader.page || !follower.page) return;
      const target = mapView(leader.page, follower.page, leader.snapshot());
      this.syncing = true;
      try {
        if (Math.abs(follower.zoom - target.zoom) > 0.01) follower.setZoom(target.zoom);
        const now = follower.snapshot().center;
        const off = Math.hypot(now.x - target.center.x, now.y - target.center.y) * follower.layout.scale;
        if (off >= SETTLED_PX) follower.centerOn(target.center);
      } finally {
        this.syncing = false;
      }
    };
    leader.scroller.addEventListener("scroll", follow, { passive: true });
    leader.addEventListener("zoomchange", follow);
  }

  #activeView() {
    if (this.mode === "overlay") return this.panes.overlay;
    return this.leader === this.panes.old ? this.panes.old : this.panes.new;
  }

  /** Side by side or overlaid, keeping the place and zoom shown (`view` of this version's sheet). */
  #setMode(mode, view = this.#newSheetView()) {
    this.mode = mode;
    this.dialog.dataset.mode = mode;
    for (const button of this.dialog.querySelectorAll(".compare-modes [data-compare]")) {
      button.setAttribute("aria-pressed", String(button.dataset.compare === mode));
    }
    this.dialog.querySelector("#compare-legend").hidden = mode !== "overlay";
    for (const figure of this.dialog.querySelectorAll(".compare-pane")) {
      figure.hidden = (figure.dataset.pane === "overlay") !== (mode === "overlay");
    }
    const target = mode === "overlay" ? this.panes.overlay : this.panes.new;
    this.leader = target;
    if (view) target.restore(view);
  }

  /** Where the comparison is, in this version's sheet's points. */
  #newSheetView() {
    const active = this.#activeView();
    const view = active.snapshot();
    if (!view || active !== this.panes.old) return view;
    return { ...view, ...mapView(active.page, this.panes.new.page, view), fitMode: null };
  }

  #command(name) {
    if (name === "close") return this.dialog.close();
    if (!name || this.dialog.dataset.state !== "ready") return undefined;
    const view = this.#activeView();
    const commands = {
      side: () => this.mode !== "side" && this.#setMode("side"),
      overlay: () => this.mode !== "overlay" && this.#setMode("overlay"),
      "zoom-in": () => view.setZoom(stepZoom(view.zoom, 1)),
      "zoom-out": () => view.setZoom(stepZoom(view.zoom, -1)),
      "fit-page": () => view.fit("page"),
    };
    this.leader = view;
    return commands[name]?.();
  }

  /** The comparison's own keys; the viewer's (other sheets, markup tools) stay out while it is open. */
  #onKey(event) {
    if (event.key === " ") return; // space-drag pans the pane under the pointer
    event.stopPropagation();
    if (event.ctrlKey || event.metaKey || event.altKey || event.target.closest("button")) return;
    const keys = { "+": "zoom-in", "=": "zoom-in", "-": "zoom-out", _: "zoom-out", 0: "fit-page" };
    if (!keys[event.key]) return;
    event.preventDefault();
    this.#command(keys[event.key]);
  }

  #closed() {
    for (const pane of Object.values(this.panes || {})) pane.painter.reset(); // canvases are memory
    this.dialog.dataset.state = "closed";
  }
}

/** A pane of the comparison: its caption, and a sheet view (made here, so that the viewer's page
 * has one sheet view until a comparison is opened). */
function pane(name) {
  const figure = Object.assign(document.createElement("figure"), { className: "compare-pane", hidden: name === "overlay" });
  figure.dataset.pane = name;
  const caption = Object.assign(document.createElement("figcaption"), { id: `compare-${name}-caption` });
  const stage = Object.assign(document.createElement("div"), { className: "compare-stage" });
  const scroller = Object.assign(document.createElement("div"), { className: "sheet-view", tabIndex: 0 });
  scroller.setAttribute("role", "region");
  scroller.setAttribute("aria-labelledby", caption.id);
  scroller.dataset.testid = `compare-${name}`;
  scroller.innerHTML = '<div class="sheet-sizer"><div class="sheet-page"><div class="sheet-overlay"></div></div></div>';
  stage.append(scroller);
  figure.append(caption, stage);
  return figure;
}

function show(view, number, page) {
  const { width, height } = page.getViewport({ scale: 1 });
  view.showPage(number, { width, height });
  view.setPdfPage(number, page);
}

function swatch(kind, text) {
  const [r, g, b] = OVERLAY_COLOURS[kind];
  const mark = Object.assign(document.createElement("span"), { className: "compare-swatch" });
  mark.style.background = `rgb(${r} ${g} ${b})`;
  mark.setAttribute("aria-hidden", "true");
  return [mark, `${kind === "both" ? "Grey" : kind === "old" ? "Red" : "Blue"}: ${text}`];
}

/**
 * What a SheetView draws for the overlay: a look-alike of a PDF.js page that renders this
 * version's page and the previous one (stretched onto it if their sizes differ) at the same
 * scale, and composites them pixel by pixel.
 */
class OverlayPage {
  constructor(old, now) {
    this.old = old;
    this.now = now;
    const before = old.getViewport({ scale: 1 });
    const after = now.getViewport({ scale: 1 });
    this.stretch = [after.width / before.width, after.height / before.height];
  }

  getViewport(options) {
    return this.now.getViewport(options);
  }

  cleanup() {
    this.old.cleanup();
    this.now.cleanup();
  }

  render({ canvas, viewport, transform = IDENTITY }) {
    const under = Object.assign(document.createElement("canvas"), { width: canvas.width, height: canvas.height });
    const tasks = [
      this.now.render({ canvas, viewport, transform }),
      this.old.render({
        canvas: under,
        viewport: this.old.getViewport({ scale: viewport.scale }),
        transform: stretched(transform, ...this.stretch),
      }),
    ];
    const promise = Promise.all(tasks.map((task) => task.promise))
      .then(() => composite(canvas, under))
      .finally(() => Object.assign(under, { width: 0, height: 0 }));
    return { promise, cancel: () => tasks.forEach((task) => task.cancel()) };
  }
}

function composite(canvas, under) {
  const context = canvas.getContext("2d");
  const image = context.getImageData(0, 0, canvas.width, canvas.height);
  const old = under.getContext("2d").getImageData(0, 0, under.width, under.height);
  compositeOverlay(old.data, image.data, image.data);
  context.putImageData(image, 0, 0);
}
