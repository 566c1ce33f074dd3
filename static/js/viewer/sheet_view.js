// One sheet on screen, crisp at any zoom. The scroll container holds a sizer as large as the
// zoomed page; on it the page element, and in that a canvas covering only the visible part of
// the page, drawn at device resolution (SheetPainter). Scrolling moves the canvas with the
// content at once; zooming rescales it with CSS as a preview; once the view has settled the
// visible region is drawn again. Until the first drawing, the server's thumbnail stands in.
import {
  clampZoom,
  fitZoom,
  pageLayout,
  pixelsToPoints,
  pointsToPixels,
  renderRatio,
  visibleRegion,
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
    this.panEnabled = true;

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
    if (!event.ctrlKey && !event.metaKey) return;
    event.preventDefault(); // ctrl+wheel (and trackpad pinch) zooms the sheet, not the browser
    const pixels = event.deltaMode === 1 ? event.deltaY * 40 : event.deltaMode === 2 ? event.deltaY * 800 : event.deltaY;
    const factor = Math.exp(-Math.max(-300, Math.min(300, pixels)) * 0.0025);
    this.setZoom(this.zoom * factor, { x: event.clientX, y: event.clientY });
  }

  /** Drag the sheet with the mouse to move around it (a markup tool may turn this off). */
  #enablePanning() {
    let drag = null;
    this.scroller.addEventListener("pointerdown", (event) => {
      if (!this.panEnabled || event.pointerType !== "mouse" || (event.button !== 0 && event.button !== 1)) return;
      if (event.target.closest("a, button, input, textarea, select, [data-no-pan]")) return;
      drag = { x: event.clientX, y: event.clientY, left: this.scroller.scrollLeft, top: this.scroller.scrollTop };
      this.scroller.setPointerCapture(event.pointerId);
      this.scroller.classList.add("is-panning");
      event.preventDefault();
    });
    this.scroller.addEventListener("pointermove", (event) => {
      if (!drag) return;
      this.scroller.scrollLeft = drag.left - (event.clientX - drag.x);
      this.scroller.scrollTop = drag.top - (event.clientY - drag.y);
    });
    const end = () => {
      drag = null;
      this.scroller.classList.remove("is-panning");
    };
    this.scroller.addEventListener("pointerup", end);
    this.scroller.addEventListener("pointercancel", end);
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
