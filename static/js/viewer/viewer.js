// The sheet viewer page (/versions/<id>/): PDF.js streams the PDF by range requests, the
// SheetView draws one sheet crisply at any zoom, the toolbar, thumbnails and keys move around.
import { apiFetch } from "../api.js";
import { startMarkup } from "../markup/main.js";
import { processingText, watchVersion } from "../progress.js";
import { showChanges } from "./changes.js";
import { stepZoom } from "./geometry.js";
import { FindInSet, wordsToFind } from "./find.js";
import { bindKeys } from "./keyboard.js";
import { loadDocument } from "./pdf_document.js";
import { showSheetIndex } from "./sheet_index.js";
import { SheetView } from "./sheet_view.js";
import { watchReplacement } from "./superseded.js";
import { ThumbnailStrip } from "./thumbnails.js";
import { ViewHistory } from "./view_history.js";

const root = document.getElementById("viewer");
const $ = (selector) => root.querySelector(selector);
const controls = {
  label: $("#sheet-label"),
  pageInput: $("#page-input"),
  pageCount: $("#page-count"),
  zoomInput: $("#zoom-input"),
  prev: $("[data-action=prev]"),
  next: $("[data-action=next]"),
  fitWidth: $("[data-action=fit-width]"),
  fitPage: $("[data-action=fit-page]"),
  previousView: $("[data-action=previous-view]"),
  wheelMode: $("[data-action=wheel-mode]"),
};
const WHEEL_SETTING = "civicreview.wheel"; // "scroll" for those who prefer the wheel to scroll
const message = $("#viewer-message");

function showMessage(text, kind = "info", link = null) {
  message.textContent = text;
  message.dataset.kind = kind;
  message.hidden = !text;
  if (link) {
    const anchor = Object.assign(document.createElement("a"), { href: link.href, textContent: link.text });
    message.append(" ", anchor);
  }
}

class Viewer {
  constructor(version, pdf) {
    this.version = version;
    this.pdf = pdf;
    this.pages = version.pages.length ? version.pages : null;
    this.count = this.pages ? this.pages.length : pdf.numPages;
    this.number = 0;
    this.view = new SheetView($("#sheet-view"));
    this.views = new ViewHistory();
    this.thumbnails = new ThumbnailStrip($("#thumb-list"), this.pages || [], (n) => this.go(n));
    showSheetIndex($("#sheet-index"), this.pages || []);
    this.view.addEventListener("zoomchange", () => this.#showZoom());
    this.view.addEventListener("error", (event) => showMessage(event.detail.message, "error"));
    this.view.addEventListener("rendered", () => showMessage(""));
    this.finder = new FindInSet(this, $("#find-panel"));
    this.#bindControls();
    controls.pageCount.textContent = String(this.count);
  }

  /** The sheet's size in points and its label, from the server (or PDF.js when it has none). */
  async #sheet(number) {
    if (this.pages) return this.pages[number - 1];
    const page = await this.pdf.getPage(number);
    const { width, height } = page.getViewport({ scale: 1 });
    return { number, width, height, label: "", thumbnail_url: null };
  }

  /** Show sheet `number`; the view left behind is kept for "previous view" unless `remember` is false. */
  async go(number, { remember = true } = {}) {
    number = Math.min(this.count, Math.max(1, Math.round(number) || 1));
    if (number === this.number) return;
    if (remember && this.number) this.rememberView();
    this.number = number;
    const sheet = await this.#sheet(number);
    if (this.number !== number) return;
    this.view.showPage(number, sheet, { thumbnailUrl: sheet.thumbnail_url });
    this.#showPage(sheet);
    history.replaceState(null, "", `#page=${number}`);
    const page = await this.pdf.getPage(number);
    performance.mark(`civicreview:page-${number}`);
    this.view.setPdfPage(number, page);
  }

  /** Keep where the view is now, before a jump away from it. */
  rememberView() {
    this.views.push(this.view.snapshot());
    controls.previousView.disabled = false;
  }

  /** Back to where the view was before the last jump (sheet, zoom and centre). */
  async previousView() {
    const view = this.views.pop();
    controls.previousView.disabled = this.views.size === 0;
    if (!view) return;
    await this.go(view.page, { remember: false });
    this.view.restore(view);
  }

  #fit(mode) {
    this.rememberView();
    this.view.fit(mode);
  }

  #setWheelZooms(zooms) {
    this.view.wheelZooms = zooms;
    controls.wheelMode.setAttribute("aria-pressed", String(zooms));
    localStorage.setItem(WHEEL_SETTING, zooms ? "zoom" : "scroll");
  }

  #showPage(sheet) {
    controls.label.textContent = sheet.label || `Page ${sheet.number}`;
    controls.pageInput.value = String(sheet.number);
    controls.prev.disabled = sheet.number <= 1;
    controls.next.disabled = sheet.number >= this.count;
    this.thumbnails.select(sheet.number);
    document.title = `${sheet.label || `Page ${sheet.number}`} · ${root.dataset.title}`;
  }

  #showZoom() {
    controls.zoomInput.value = `${Math.round(this.view.zoom)}%`;
    controls.fitWidth.setAttribute("aria-pressed", String(this.view.fitMode === "width"));
    controls.fitPage.setAttribute("aria-pressed", String(this.view.fitMode === "page"));
  }

  /** A page number, or a sheet label such as A-201. */
  #resolvePage(text) {
    const wanted = text.trim().toUpperCase();
    const byLabel = this.pages?.find((page) => page.label && page.label.toUpperCase() === wanted);
    if (byLabel) return byLabel.number;
    const number = Number.parseInt(wanted, 10);
    return Number.isFinite(number) ? number : this.number;
  }

  #bindControls() {
    const actions = {
      prev: () => this.go(this.number - 1),
      next: () => this.go(this.number + 1),
      first: () => this.go(1),
      last: () => this.go(this.count),
      zoomIn: () => this.view.setZoom(stepZoom(this.view.zoom, 1)),
      zoomOut: () => this.view.setZoom(stepZoom(this.view.zoom, -1)),
      fitWidth: () => this.#fit("width"),
      fitPage: () => this.#fit("page"),
      scroll: (direction) => this.#scrollBy(direction),
      previousView: () => this.previousView(),
      "wheel-mode": () => this.#setWheelZooms(!this.view.wheelZooms),
      "toggle-thumbs": () => root.classList.toggle("thumbs-hidden"),
      find: () => this.finder.open(),
      findNext: (step) => this.finder.step(step),
    };
    const names = {
      "zoom-in": "zoomIn",
      "zoom-out": "zoomOut",
      "fit-width": "fitWidth",
      "fit-page": "fitPage",
      "previous-view": "previousView",
    };
    this.#setWheelZooms(localStorage.getItem(WHEEL_SETTING) !== "scroll");
    root.addEventListener("click", (event) => {
      const button = event.target.closest("[data-action]");
      if (button) actions[names[button.dataset.action] || button.dataset.action]?.();
    });
    bindKeys(document, actions);

    const pageForm = controls.pageInput.form;
    pageForm.addEventListener("submit", (event) => {
      event.preventDefault();
      this.go(this.#resolvePage(controls.pageInput.value));
      controls.pageInput.value = String(this.number);
      controls.pageInput.blur();
    });
    controls.pageInput.addEventListener("blur", () => (controls.pageInput.value = String(this.number)));

    const zoomForm = controls.zoomInput.form;
    zoomForm.addEventListener("submit", (event) => {
      event.preventDefault();
      const zoom = Number.parseFloat(controls.zoomInput.value);
      if (Number.isFinite(zoom)) {
        this.rememberView();
        this.view.setZoom(zoom); // about the view's centre
      }
      this.#showZoom();
      controls.zoomInput.blur();
    });
    controls.zoomInput.addEventListener("blur", () => this.#showZoom());
    controls.zoomInput.addEventListener("focus", () => controls.zoomInput.select());
    controls.pageInput.addEventListener("focus", () => controls.pageInput.select());
  }

  /** Scroll the sheet a step up or down; false when it cannot move that way. */
  #scrollBy(direction) {
    const scroller = this.view.scroller;
    const room = direction > 0 ? scroller.scrollHeight - scroller.clientHeight - scroller.scrollTop : scroller.scrollTop;
    if (room < 1) return false;
    scroller.scrollBy({ top: direction * scroller.clientHeight * 0.15 });
    return true;
  }
}

const backToCase = { href: root.dataset.caseUrl, text: "Back to the case" };

function initialPage() {
  const match = window.location.hash.match(/page=(\d+)/);
  return match ? Number(match[1]) : 1;
}

async function main() {
  // A version the server rendered as ready: fetch its PDF at once, beside its pages' details.
  const early = root.dataset.status === "ready" ? loadDocument(root, root.dataset.fileUrl) : null;
  early?.catch(() => {}); // reported below, where it is awaited
  let version = await apiFetch(`/api/versions/${root.dataset.versionId}/`);
  performance.mark("civicreview:version");
  if (version.status === "processing") {
    root.dataset.state = "processing";
    showMessage(`This version is still being processed: ${processingText(version)}.`);
    version = await watchVersion(version.id, (v) => showMessage(`This version is still being processed: ${processingText(v)}.`));
  }
  if (version.status === "failed") {
    root.dataset.state = "failed";
    showMessage(`This version could not be processed: ${version.error || "unknown error"}`, "error", backToCase);
    return;
  }
  showMessage("Loading sheets…");
  const pdf = await (early || loadDocument(root, version.file_url));
  performance.mark("civicreview:document");
  const viewer = new Viewer(version, pdf);
  window.civicReviewViewer = viewer; // for the markup layer and for debugging
  try {
    window.civicReviewMarkup = startMarkup(viewer);
    watchReplacement(root, window.civicReviewMarkup);
  } catch (error) {
    console.error("The markup layer did not start", error); // the sheets can still be read
    showMessage("Markups are unavailable: reload the page to try again.", "error");
  }
  root.dataset.state = "ready";
  showChanges(viewer, root, window.civicReviewMarkup).catch((error) => console.error("The changes could not be shown", error));
  const words = wordsToFind(window.location.hash); // from a search hit: the sheet opens with the words found
  await viewer.go(initialPage());
  if (words) viewer.finder.open(words);
  window.addEventListener("hashchange", () => viewer.go(initialPage()));
}

main().catch((error) => {
  console.error(error);
  root.dataset.state = "failed";
  showMessage(`The document could not be opened: ${error.message || error}`, "error", backToCase);
});
