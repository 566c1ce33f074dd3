// The canvases of one page element: a sharp one showing the visible region at device resolution,
// and behind it a low-resolution drawing of the whole page for wherever the sharp one does not
// reach (after scrolling, before it is drawn again). Renders for stale views are cancelled.

const BACKDROP_MAX_SIDE = 2048; // device pixels, longer side of the whole-page drawing
const BACKDROP_MAX_PIXELS = 8 * 1024 * 1024;

export class SheetPainter {
  /** pageElement: where the canvases go; above: the element they stay under (the overlay). */
  constructor(pageElement, above) {
    this.pageElement = pageElement;
    this.above = above;
    this.front = null; // {canvas, page, zoom, ratio, full, region: in page points}
    this.backdrop = null; // {canvas}
    this.task = null;
    this.backdropTask = null;
  }

  get busy() {
    return this.task !== null;
  }

  /** A new page: stop drawing and take every canvas away. */
  reset() {
    this.cancel();
    this.backdropTask?.cancel();
    this.backdropTask = null;
    if (this.front) release(this.front.canvas);
    if (this.backdrop) release(this.backdrop.canvas);
    this.front = null;
    this.backdrop = null;
  }

  cancel() {
    this.task?.cancel();
    this.task = null;
  }

  /** Does the sharp canvas already show `region` (CSS px at `scale`) of `page` at `zoom` and `ratio`? */
  covers(page, zoom, scale, region, ratio) {
    const front = this.front;
    if (!front || front.page !== page.number || front.zoom !== zoom || front.ratio < ratio - 1e-6) return false;
    const r = front.region;
    return (
      r.x * scale <= region.x + 0.5 &&
      r.y * scale <= region.y + 0.5 &&
      (r.x + r.width) * scale >= region.x + region.width - 0.5 &&
      (r.y + r.height) * scale >= region.y + region.height - 0.5
    );
  }

  /** Rescale the sharp canvas with CSS to a new zoom: the preview until it is drawn again. */
  place(scale) {
    if (!this.front) return;
    const { canvas, region } = this.front;
    Object.assign(canvas.style, {
      left: `${region.x * scale}px`,
      top: `${region.y * scale}px`,
      width: `${region.width * scale}px`,
      height: `${region.height * scale}px`,
    });
  }

  /**
   * Draw `region` (CSS px relative to the page's corner, at `scale` px per point) of `page`
   * ({number, width, height, pdf}) at `ratio` device px per CSS px. Resolves true once shown,
   * false when a newer paint or a reset cancelled it.
   */
  async paint(page, { zoom, scale, region, ratio, pageWidth, pageHeight }) {
    this.cancel();
    const canvas = document.createElement("canvas");
    canvas.className = "sheet-canvas";
    canvas.width = Math.max(1, Math.round(region.width * ratio));
    canvas.height = Math.max(1, Math.round(region.height * ratio));
    const task = page.pdf.render({
      canvas,
      viewport: page.pdf.getViewport({ scale }),
      transform: [ratio, 0, 0, ratio, -region.x * ratio, -region.y * ratio],
    });
    this.task = task;
    try {
      await task.promise;
    } catch (error) {
      if (error?.name === "RenderingCancelledException") return false;
      if (this.task === task) this.task = null;
      throw error;
    }
    if (this.task !== task) return false;
    this.task = null;
    const full = region.x === 0 && region.y === 0 && region.width >= Math.floor(pageWidth) && region.height >= Math.floor(pageHeight);
    const points = { x: region.x / scale, y: region.y / scale, width: region.width / scale, height: region.height / scale };
    this.#swapFront({ canvas, page: page.number, zoom, ratio, full, region: points }, scale);
    if (!full && !this.backdrop) this.#paintBackdrop(page);
    return true;
  }

  #swapFront(entry, scale) {
    const old = this.front;
    this.front = entry;
    this.place(scale);
    this.pageElement.insertBefore(entry.canvas, this.above);
    if (!old) return;
    // A drawing of the whole page makes the best backdrop, for as long as none sharper exists.
    const pixels = old.canvas.width * old.canvas.height;
    const sharper = !this.backdrop || old.canvas.width > this.backdrop.canvas.width;
    if (old.full && old.page === entry.page && pixels <= BACKDROP_MAX_PIXELS && sharper) this.#setBackdrop(old.canvas);
    else release(old.canvas);
  }

  async #paintBackdrop(page) {
    if (this.backdropTask) return;
    const scale = Math.min(BACKDROP_MAX_SIDE / Math.max(page.width, page.height), 4);
    const canvas = document.createElement("canvas");
    canvas.width = Math.round(page.width * scale);
    canvas.height = Math.round(page.height * scale);
    const task = page.pdf.render({ canvas, viewport: page.pdf.getViewport({ scale }) });
    this.backdropTask = task;
    try {
      await task.promise;
    } catch {
      return;
    } finally {
      if (this.backdropTask === task) this.backdropTask = null;
    }
    if (this.front?.page === page.number && !this.backdrop) this.#setBackdrop(canvas);
    else release(canvas);
  }

  #setBackdrop(canvas) {
    if (this.backdrop) release(this.backdrop.canvas);
    canvas.className = "sheet-backdrop";
    canvas.removeAttribute("style");
    this.backdrop = { canvas };
    this.pageElement.insertBefore(canvas, this.pageElement.firstChild);
  }
}

/** Take a canvas off the page and give its memory back at once (browsers cap canvas memory). */
function release(canvas) {
  canvas.remove();
  canvas.width = 0;
  canvas.height = 0;
}
