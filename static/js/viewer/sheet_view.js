// One sheet on screen, crisp at any zoom. The scroll container holds a sizer as large as the
// zoomed page; on it the page element, and in that a canvas covering only the visible part of
// the page, drawn at device resolution (SheetPainter). Scrolling moves the canvas with the
// content at once; zooming rescales it with CSS as a preview; once the view has settled the
// visible region is drawn again. Until the first drawing, the server's thumbnail stands in.
import {
  clampZoom,
  fitZoom,
  pageLayout,
  pinchZoom,
  pixelsToPoints,
  pointsToPixels,
  renderRatio,
  visibleRegion,
  wheelZoomFactor,
} from "./geometry.js";
import { SheetPainter } from "./sheet_painter.js";

const MARGIN = 24; // CSS px around the page
const MAX_CANVAS_PIXELS = 32 * 1024 * 1024; // device pixels in the sharp canvas
const SETTLE_MS = 90; // wait this long after the last scroll or zoom before drawing

export class SheetView extends EventTarget {
  /** scroller: the scroll container, holding .sheet-sizer > .sheet-page > .sheet-overlay. */
  constructor(scroller) {
    super();
    this.scroller = scroller;
    this.sizer = scroller.querySelector(".sheet-sizer");
    this.pageElement = scroller.querySelector(".sheet-page");
    this.overlay = scroller.querySelector(".sheet-overlay");
    this.page = null; // {number, width, height, pdf}
    this.zoom = 100;
    this.fitMode = "page"; // "page", "width", or null once the user picks a zoom
    this.layout = null;
    this.painter = new SheetPainter(this.pageElement, this.overlay);
    this.timer = null;
    this.panEnabled = true; // a plain drag pans; a markup tool turns this off (space-drag and middle-drag still pan)
    this.wheelZooms = true; // the wheel zooms at the cursor, as in CAD; false: it scrolls (Ctrl+wheel zooms)
    this.spaceHeld = false;

    scroller.addEventListener("scroll", () => this.#schedule(SETTLE_MS), { passive: true });
    scroller.addEventListener("wheel", (event) => this.#onWheel(event), { passive: false });
    this.#enablePanning();
    new ResizeObserver(() => this.#onResize()).observe(scroller);
    this.#watchPixelRatio();
  }

  // --- what the rest of the viewer calls ---------------------------------------------------

  /** Show sheet `number`: `size` in points (as displayed); `pdf` its PDF.js page (may come later). */
  showPage(number, size, { thumbnailUrl = null, pdf = null } = {}) {
    const sameSize = this.page && this.page.width === size.width && this.page.height === size.height;
    clearTimeout(this.timer);
    this.painter.reset();
    this.page?.pdf?.cleanup(); // let PDF.js drop the old sheet's parsed drawing
    this.page = { number, width: size.width, height: size.height, pdf };
    this.pageElement.style.backgroundImage = thumbnailUrl ? `url("${thumbnailUrl}")` : "";
    this.scroller.dataset.page = String(number);
    delete this.scroller.dataset.renderedPage;
    if (this.fitMode) this.zoom = this.#fitZoom(this.fitMode);
    this.#applyLayout();
    this.#refit();
    if (!sameSize) this.scroller.scrollTo(0, 0);
    this.#emit("pagechange", { page: number });
    this.#schedule(0);
  }

  /** The PDF.js page of the sheet being shown arrived: draw it. */
  setPdfPage(number, pdf) {
    if (!this.page || this.page.number !== number) return;
    const viewport = pdf.getViewport({ scale: 1 });
    const resized = Math.abs(viewport.width - this.page.width) > 0.5 || Math.abs(viewport.height - this.page.height) > 0.5;
    this.page.pdf = pdf;
    if (resized) {
      this.page.width = viewport.width;
      this.page.height = viewport.height;
      if (this.fitMode) this.zoom = this.#fitZoom(this.fitMode);
      this.#applyLayout();
      this.#refit();
    }
    this.#schedule(0);
  }

  /** Zoom to `zoom` percent, keeping the page point under `anchor` (client px) in place. */
  setZoom(zoom, anchor = null) {
    this.fitMode = null;
    this.#zoomTo(clampZoom(zoom), anchor);
  }

  /** Fit the page ("page") or its width ("width") into the view, and keep fitting on resize. */
  fit(mode) {
    this.fitMode = mode;
    this.#zoomTo(this.#fitZoom(mode), null);
    this.#refit();
    if (mode === "width") this.scroller.scrollTop = 0;
  }

  /** Page points → client (viewport) pixels. */
  pageToClient(point) {
    const origin = this.pageElement.getBoundingClientRect();
    const pixel = pointsToPixels(point, this.layout.scale);
    return { x: origin.left + pixel.x, y: origin.top + pixel.y };
  }

  /** Client (viewport) pixels → page points. */
  clientToPage(point) {
    const origin = this.pageElement.getBoundingClientRect();
    return pixelsToPoints({ x: point.x - origin.left, y: point.y - origin.top }, this.layout.scale);
  }

  /** Where the view is: {page, zoom, fitMode, center (page points)}, for "previous view". */
  snapshot() {
    if (!this.page) return null;
    const box = this.scroller.getBoundingClientRect();
    const center = this.clientToPage({ x: box.left + this.scroller.clientWidth / 2, y: box.top + this.scroller.clientHeight / 2 });
    return { page: this.page.number, zoom: this.zoom, fitMode: this.fitMode, center };
  }

  /** Back to a `snapshot()` of the sheet being shown. */
  restore(view) {
    if (view.fitMode) this.fit(view.fitMode);
    else this.setZoom(view.zoom);
    if (!view.fitMode || view.fitMode === "width") this.centerOn(view.center);
  }

  /** Scroll so that page point `point` is at the centre of the view. */
  centerOn(point) {
    const pixel = pointsToPixels(point, this.layout.scale);
    this.scroller.scrollLeft = this.layout.left + pixel.x - this.scroller.clientWidth / 2;
    this.scroller.scrollTop = this.layout.top + pixel.y - this.scroller.clientHeight / 2;
  }

  // --- layout --------------------------------------------------------------------------------

  #viewportBox() {
    return { width: this.scroller.clientWidth, height: this.scroller.clientHeight };
  }

  #fitZoom(mode) {
    return fitZoom(this.page, this.#viewportBox(), mode, MARGIN);
  }

  #zoomTo(zoom, anchor) {
    if (!this.page) {
      this.zoom = zoom;
      return;
    }
    const box = this.scroller.getBoundingClientRect();
    const at = anchor || { x: box.left + this.scroller.clientWidth / 2, y: box.top + this.scroller.clientHeight / 2 };
    const point = this.clientToPage(at);
    this.zoom = zoom;
    this.#applyLayout();
    const pixel = pointsToPixels(point, this.layout.scale);
    this.scroller.scrollLeft = this.layout.left + pixel.x - (at.x - box.left - this.scroller.clientLeft);
    this.scroller.scrollTop = this.layout.top + pixel.y - (at.y - box.top - this.scroller.clientTop);
    this.#emit("zoomchange", { zoom: this.zoom, fitMode: this.fitMode });
    this.#schedule(SETTLE_MS);
  }

  #applyLayout() {
    const layout = pageLayout(this.page, this.zoom, this.#viewportBox(), MARGIN);
    this.layout = layout;
    Object.assign(this.sizer.style, { width: `${layout.contentWidth}px`, height: `${layout.contentHeight}px` });
    Object.assign(this.pageElement.style, {
      left: `${layout.left}px`,
      top: `${layout.top}px`,
      width: `${layout.width}px`,
      height: `${layout.height}px`,
    });
    this.pageElement.style.setProperty("--scale", String(layout.scale));
    this.overlay.dataset.pageWidth = String(this.page.width);
    this.overlay.dataset.pageHeight = String(this.page.height);
    this.painter.place(layout.scale);
    this.scroller.dataset.zoom = String(Math.round(this.zoom));
  }

  /** Fitting may have brought scroll bars, which narrow the view: fit once more to the rest. */
  #refit() {
    if (!this.fitMode || !this.page) return;
    const zoom = this.#fitZoom(this.fitMode);
    if (Math.abs(zoom - this.zoom) < 0.01) return;
    this.zoom = zoom;
    this.#applyLayout();
  }

  /** Moved to a screen with another pixel density, or browser-zoomed: draw again to match. */
  #watchPixelRatio() {
    matchMedia(`(resolution: ${window.devicePixelRatio}dppx)`).addEventListener(
      "change",
      () => {
        this.#schedule(0);
        this.#watchPixelRatio();
      },
      { once: true },
    );
  }

  #onResize() {
    if (!this.page) return;
    if (this.fitMode) this.zoom = this.#fitZoom(this.fitMode);
    this.#applyLayout();
    this.#refit();
    this.#emit("zoomchange", { zoom: this.zoom, fitMode: this.fitMode });
    this.#schedule(SETTLE_MS);
  }

  // --- input ---------------------------------------------------------------------------------

  #onWheel(event) {
    const zooms = event.ctrlKey || event.metaKey || (this.wheelZooms && !event.shiftKey); // Shift+wheel scrolls sideways
    if (!zooms) return;
    event.preventDefault(); // the sheet zooms, not the browser (ctrl+wheel, a trackpad's pinch)
    this.setZoom(this.zoom * wheelZoomFactor(event.deltaY, event.deltaMode), { x: event.clientX, y: event.clientY });
  }

  /**
   * Move around the sheet: a plain drag (mouse or one finger) when no markup tool is drawing;
   * space-drag and middle-drag always, before a tool sees the press; two fingers pinch-zoom.
   */
  #enablePanning() {
    let drag = null;
    const touches = new Map(); // pointerId -> {x, y} of the fingers on the sheet
    let pinch = null;
    const start = (event) => {
      drag = { x: event.clientX, y: event.clientY, left: this.scroller.scrollLeft, top: this.scroller.scrollTop };
      try {
        this.scroller.setPointerCapture(event.pointerId);
      } catch {
        // a synthetic or already-released pointer: the drag works without capture
      }
      this.scroller.classList.add("is-panning");
      event.preventDefault();
    };
    const forced = (event) => event.button === 1 || (event.button === 0 && this.spaceHeld);
    this.scroller.addEventListener(
      "pointerdown",
      (event) => {
        if (event.pointerType === "touch") touches.set(event.pointerId, { x: event.clientX, y: event.clientY });
        if (touches.size === 2) {
          pinch = this.#pinchStart(touches);
          drag = null;
          event.stopPropagation(); // the second finger: a pinch, not a markup
          return;
        }
        if (!forced(event)) return;
        start(event);
        event.stopPropagation(); // the markup tools never see it
      },
      { capture: true },
    );
    this.scroller.addEventListener("pointerdown", (event) => {
      if (drag || !this.panEnabled || event.button !== 0 || event.pointerType === "pen") return;
      if (event.target.closest("a, button, input, textarea, select, [data-no-pan]")) return;
      start(event);
    });
    this.scroller.addEventListener("pointermove", (event) => {
      if (touches.has(event.pointerId)) touches.set(event.pointerId, { x: event.clientX, y: event.clientY });
      if (pinch && touches.size === 2) return this.#pinchMove(pinch, touches);
      if (!drag) return;
      this.scroller.scrollLeft = drag.left - (event.clientX - drag.x);
      this.scroller.scrollTop = drag.top - (event.clientY - drag.y);
    });
    const end = (event) => {
      touches.delete(event.pointerId);
      if (touches.size < 2) pinch = null;
      drag = null;
      this.scroller.classList.remove("is-panning");
    };
    this.scroller.addEventListener("pointerup", end);
    this.scroller.addEventListener("pointercancel", end);
    this.#holdSpaceToPan();
  }

  #pinchStart(touches) {
    const [a, b] = touches.values();
    const mid = { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 };
    return { zoom: this.zoom, distance: Math.hypot(a.x - b.x, a.y - b.y), point: this.clientToPage(mid) };
  }

  /** The page point first between the fingers stays between them, at the zoom their spread asks. */
  #pinchMove(pinch, touches) {
    const [a, b] = touches.values();
    const mid = { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 };
    this.setZoom(pinchZoom(pinch.zoom, pinch.distance, Math.hypot(a.x - b.x, a.y - b.y)), mid);
    const now = this.pageToClient(pinch.point);
    this.scroller.scrollLeft += now.x - mid.x;
    this.scroller.scrollTop += now.y - mid.y;
  }

  /**
   * While the space bar is held, a drag pans whatever tool is chosen: outside a field, and on a
   * focused button only while the pointer is over the sheet (elsewhere space presses the button).
   */
  #holdSpaceToPan() {
    let over = false;
    this.scroller.addEventListener("pointerenter", () => (over = true));
    this.scroller.addEventListener("pointerleave", () => (over = false));
    const hold = (held) => {
      this.spaceHeld = held;
      this.scroller.classList.toggle("is-space-pan", held);
    };
    const pans = (event) => {
      const target = event.target.closest ? event.target : document.body;
      if (target.closest("input, textarea, select, [contenteditable]")) return false;
      return over || !target.closest("button, a, summary");
    };
    document.addEventListener("keydown", (event) => {
      if (event.key !== " " || !pans(event)) return;
      event.preventDefault(); // not a page scroll, nor a press of the focused button
      if (!event.repeat) hold(true);
    });
    document.addEventListener("keyup", (event) => {
      if (event.key !== " " || !this.spaceHeld) return;
      event.preventDefault();
      hold(false);
    });
    window.addEventListener("blur", () => hold(false));
  }

  // --- rendering -----------------------------------------------------------------------------

  #schedule(delay) {
    clearTimeout(this.timer);
    this.scroller.dataset.rendering = "true";
    this.timer = setTimeout(() => this.#render(), delay);
  }

  async #render() {
    const page = this.page;
    if (!page?.pdf) return; // drawn once the PDF.js page arrives
    this.painter.cancel(); // whatever it was drawing is stale now
    const layout = this.layout;
    const scroll = { left: this.scroller.scrollLeft, top: this.scroller.scrollTop };
    const region = visibleRegion(layout, scroll, this.#viewportBox());
    if (!region) return this.#idle();
    const ratio = renderRatio(region, window.devicePixelRatio || 1, MAX_CANVAS_PIXELS);
    if (this.painter.covers(page, this.zoom, layout.scale, region, ratio)) return this.#finished();
    const view = { zoom: this.zoom, scale: layout.scale, region, ratio, pageWidth: layout.width, pageHeight: layout.height };
    try {
      if (await this.painter.paint(page, view)) this.#finished();
    } catch (error) {
      console.error("Drawing the sheet failed", error);
      this.#idle();
      this.#emit("error", { message: "This sheet could not be drawn." });
    }
  }

  #finished() {
    if (this.scroller.dataset.renderedPage !== String(this.page.number)) performance.mark(`civicreview:drawn-${this.page.number}`);
    this.scroller.dataset.renderedPage = String(this.page.number);
    this.scroller.dataset.renderedZoom = String(Math.round(this.zoom));
    this.#idle();
    this.#emit("rendered", { page: this.page.number, zoom: this.zoom });
  }

  #idle() {
    if (!this.painter.busy) this.scroller.dataset.rendering = "false";
  }

  #emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }
}
