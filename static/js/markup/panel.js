// The markup list beside the sheet, filtered by sheet, department, category, status and author,
// and its summary (CSV, PDF) with the same filters. Picking one selects it, goes to its sheet and
// brings it into view.

import { bounds } from "./geometry.js";
import { kindLabel, markupTitle } from "./kinds.js";
import { idOf } from "./layer.js";
import { measurementText } from "./scale.js";

const REVEAL_MAX_ZOOM = 150;

export class MarkupList {
  constructor(root, { store, session, viewer, layer, sheetLabel, versionId }) {
    Object.assign(this, { root, store, session, viewer, layer, sheetLabel, versionId });
    this.summaryLinks = { csv: root.querySelector("#summary-csv"), pdf: root.querySelector("#summary-pdf") };
    this.list = root.querySelector("#markup-list");
    this.count = root.querySelector("#markup-count");
    this.empty = root.querySelector("#markup-list-empty");
    this.filters = {
      sheet: root.querySelector("#filter-sheet"),
      department: root.querySelector("#filter-department"),
      category: root.querySelector("#filter-category"),
      status: root.querySelector("#filter-status"),
      author: root.querySelector("#filter-author"),
    };
    this.frame = null;
    this.#fillFilters();
    for (const select of Object.values(this.filters)) select.addEventListener("change", () => this.render());
    this.list.addEventListener("click", (event) => {
      const item = event.target.closest("[data-id]");
      if (item) this.reveal(this.store.get(idOf(item.dataset.id)));
    });
    this.list.addEventListener("keydown", (event) => this.#arrowKey(event));
    store.addEventListener("change", () => this.schedule());
    store.addEventListener("scale", () => this.schedule());
    session.addEventListener("select", () => this.render());
    viewer.view.addEventListener("pagechange", () => this.filters.sheet.value === "current" && this.schedule());
  }

  #fillFilters() {
    const sheets = this.viewer.pages || [];
    this.filters.sheet.append(...sheets.map((page) => new Option(`${this.sheetLabel(page.number)}`, String(page.number))));
    const departments = [...this.session.departments.values()];
    this.filters.department.append(...departments.map((d) => new Option(d.name, d.slug)));
  }

  /** Authors come and go with the markups: keep the choice, offer who there is. */
  #fillAuthors(annotations) {
    const select = this.filters.author;
    const chosen = select.value;
    const authors = [...new Set(annotations.map((a) => a.author))].sort();
    if (chosen && !authors.includes(chosen)) authors.push(chosen);
    const wanted = ["", ...authors].join("\n");
    if (select.dataset.options === wanted) return;
    select.dataset.options = wanted;
    select.replaceChildren(new Option("All authors", ""), ...authors.map((a) => new Option(a, a)));
    select.value = chosen;
  }

  get #page() {
    const sheet = this.filters.sheet.value;
    return sheet === "current" ? this.viewer.view.page?.number : Number(sheet) || null;
  }

  #matches(annotation) {
    const { department, category, status, author } = this.filters;
    const page = this.#page;
    if (page && annotation.page !== page) return false;
    if (department.value && annotation.department !== department.value) return false;
    if (category.value && annotation.category !== category.value) return false;
    if (status.value && annotation.status !== status.value) return false;
    return !author.value || annotation.author === author.value;
  }

  schedule() {
    if (this.frame === null) this.frame = requestAnimationFrame(() => this.render());
  }

  render() {
    cancelAnimationFrame(this.frame);
    this.frame = null;
    const all = this.store.all();
    this.#fillAuthors(all);
    this.#linkSummary();
    const byPlace = (a, b) => a.page - b.page || String(a.created_at).localeCompare(String(b.created_at));
    const shown = all.filter((a) => this.#matches(a)).sort(byPlace);
    this.count.textContent = String(shown.length);
    this.count.title = `${shown.length} of ${all.length} markups`;
    this.empty.hidden = shown.length > 0;
    this.empty.textContent = all.length
      ? "No markups match these filters."
      : "No markups yet. Pick a tool above to mark up the sheet.";
    const groups = new Map(); // sheet -> its <ol>, in sheet order
    for (const annotation of shown) {
      if (!groups.has(annotation.page)) groups.set(annotation.page, document.createElement("ol"));
      groups.get(annotation.page).append(this.#item(annotation));
    }
    const items = [...groups].map(([sheet, list]) => {
      const group = document.createElement("li");
      group.className = "markup-group";
      const heading = document.createElement("div");
      heading.className = "markup-list-sheet";
      heading.textContent = `Sheet ${this.sheetLabel(sheet)}`;
      const count = document.createElement("span");
      count.className = "markup-group-count";
      count.textContent = String(list.children.length);
      heading.append(count);
      list.className = "markup-group-items";
      group.append(heading, list);
      return group;
    });
    const focused = this.list.contains(document.activeElement) ? document.activeElement.dataset.id : null;
    this.list.replaceChildren(...items);
    this.#rove(focused);
    // After the panel has made room for the selected markup's discussion.
    requestAnimationFrame(() => this.list.querySelector("[aria-current=true]")?.scrollIntoView({ block: "nearest" }));
  }

  /**
   * One Tab stop for the whole list (the selected markup, else the first), the arrow keys, Home
   * and End within it; so Tab from the list reaches the selected markup's discussion at once.
   * Focus stays on the markup it was on while the list is redrawn.
   */
  #rove(focusedId) {
    const buttons = [...this.list.querySelectorAll(".markup-item")];
    const current = buttons.find((b) => b.dataset.id === focusedId) || buttons.find((b) => b.getAttribute("aria-current") === "true") || buttons[0];
    for (const button of buttons) button.tabIndex = button === current ? 0 : -1;
    if (focusedId !== null && current) current.focus({ preventScroll: true });
  }

  #arrowKey(event) {
    const buttons = [...this.list.querySelectorAll(".markup-item")];
    const at = buttons.indexOf(event.target);
    const to = { ArrowDown: at + 1, ArrowUp: at - 1, Home: 0, End: buttons.length - 1 }[event.key];
    if (at === -1 || to === undefined || !buttons[to]) return;
    event.preventDefault();
    event.stopPropagation(); // not the viewer's keys (the arrows change sheet)
    for (const button of buttons) button.tabIndex = button === buttons[to] ? 0 : -1;
    buttons[to].focus();
  }

  /** The summary downloads carry the list's filters: the server applies the same ones. */
  #linkSummary() {
    const { department, category, status, author } = this.filters;
    const query = new URLSearchParams();
    const filters = { page: this.#page, department: department.value, category: category.value, status: status.value, author: author.value };
    for (const [name, value] of Object.entries(filters)) if (value) query.set(name, String(value));
    const tail = query.size ? `?${query}` : "";
    for (const [format, link] of Object.entries(this.summaryLinks)) {
      link.href = `/api/versions/${this.versionId}/annotations/summary.${format}${tail}`;
    }
  }

  #item(annotation) {
    const item = document.createElement("li");
    const button = document.createElement("button");
    button.type = "button";
    button.className = "markup-item";
    button.dataset.id = String(annotation.id);
    button.dataset.status = annotation.status;
    button.setAttribute("aria-current", String(annotation.id === this.session.selectedId));
    button.style.setProperty("--c", this.session.colorOf(annotation));
    const icon = document.querySelector(`.markup-toolbar [data-tool="${annotation.kind}"] svg`)?.cloneNode(true);
    const badge = document.createElement("span");
    badge.className = "markup-item-icon";
    if (icon) badge.append(icon);
    const body = document.createElement("span");
    body.className = "markup-item-body";
    const title = document.createElement("span");
    title.className = "markup-item-title";
    title.textContent = markupTitle(annotation);
    const meta = document.createElement("span");
    meta.className = "markup-item-meta";
    const measured = measurementText(annotation, this.store.scaleOf(annotation.page));
    const department = this.session.department(annotation.department).name;
    meta.textContent = [kindLabel(annotation.kind), measured, annotation.author, department].filter(Boolean).join(" · ");
    const state = document.createElement("span");
    state.className = "visually-hidden";
    const words = [annotation.category, annotation.status === "open" ? "open" : null].filter(Boolean);
    state.textContent = words.length ? `, ${words.join(", ")}` : ""; // what colour and badges tell the eye
    body.append(title, meta, state);
    button.append(badge, body);
    if (annotation.carried_from) {
      const carried = document.createElement("span");
      carried.className = "badge badge-carried";
      carried.textContent = "Carried";
      carried.title = "Carried forward from the previous version, with its discussion";
      button.append(carried);
    }
    if (annotation.status === "resolved") {
      const status = document.createElement("span");
      status.className = "badge badge-resolved";
      status.textContent = "Resolved";
      button.append(status);
    }
    item.append(button);
    return item;
  }

  /** Select a markup, go to its sheet, zoom in if it is small there, and centre it. */
  async reveal(annotation) {
    if (!annotation) return;
    this.session.select(annotation.id);
    const view = this.viewer.view;
    this.viewer.rememberView(); // "previous view" comes back here
    if (view.page?.number !== annotation.page) await this.viewer.go(annotation.page, { remember: false });
    const box = bounds(annotation.geometry.points);
    // Zoom in until it fills half the view, but no further than REVEAL_MAX_ZOOM.
    const widthZoom = (view.scroller.clientWidth * 0.5) / Math.max(box.width, 1);
    const heightZoom = (view.scroller.clientHeight * 0.5) / Math.max(box.height, 1);
    const zoom = Math.min(REVEAL_MAX_ZOOM, Math.min(widthZoom, heightZoom) * 100);
    if (zoom > view.zoom * 1.05) view.setZoom(zoom);
    view.centerOn({ x: box.x + box.width / 2, y: box.y + box.height / 2 });
    this.layer.flash(annotation.id);
  }
}
