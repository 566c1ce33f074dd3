// The select tool: pick a markup, drag it to move it, drag its handles to reshape it, double
// click a text box, callout or stamp to edit its words. Others' markups can be picked and
// discussed but show no handles. The selected markup is outlined on the sheet.

import { BOX_KINDS, TEXT_KINDS } from "./kinds.js";
import { bounds, clampToPage, handlesOf, reshape, translate } from "./geometry.js";
import { cloudBulge } from "./shapes.js";
import { screenGroup, svg } from "./svg.js";
import { DEFAULT_FONT_SIZE, fitText, textBox } from "./text_fit.js";

const DRAG_PX = 3;

export class SelectionTool {
  constructor({ view, layer, store, session, actions, editor }) {
    Object.assign(this, { view, layer, store, session, actions, editor });
    this.drag = null;
    layer.element.addEventListener("pointerdown", (event) => this.#down(event));
    layer.element.addEventListener("dblclick", (event) => this.#doubleClick(event));
    this.#deselectOnEmptyClick();
    store.addEventListener("change", () => this.layer.schedule());
    session.addEventListener("select", () => this.layer.renderNow());
    session.addEventListener("editable", () => this.layer.renderNow());
    layer.onRendered = () => this.render();
  }

  get selected() {
    return this.session.selectedId === null ? null : this.store.get(this.session.selectedId);
  }

  #down(event) {
    if (this.session.tool !== "select" || event.button !== 0 || this.editor.editing) return;
    const handle = event.target.closest?.(".mk-handle");
    const annotation = handle ? this.selected : this.layer.markupAt(event.target);
    if (!annotation) return;
    event.preventDefault();
    this.session.select(annotation.id);
    if (!this.session.canEdit(annotation) || annotation.pending) return;
    const index = handle ? Number(handle.dataset.index) : null;
    this.drag = {
      id: annotation.id,
      annotation,
      handle: handle ? handlesOf(annotation.kind, annotation.geometry.points, BOX_KINDS)[index] : null,
      start: this.#point(event),
      screen: { x: event.clientX, y: event.clientY },
      moved: false,
      token: null,
    };
    const move = (e) => this.#move(e);
    const up = (e) => {
      window.removeEventListener("pointermove", move);
      window.removeEventListener("pointerup", up);
      this.#up(e);
    };
    window.addEventListener("pointermove", move);
    window.addEventListener("pointerup", up);
  }

  #point(event) {
    const { x, y } = this.view.clientToPage({ x: event.clientX, y: event.clientY });
    return [x, y];
  }

  #reshaped(drag, event) {
    const { annotation, handle, start } = drag;
    const points = annotation.geometry.points;
    const [x, y] = this.#point(event);
    if (handle) return reshape(points, handle, clampToPage([x, y], this.view.page));
    return translate(points, x - start[0], y - start[1], this.view.page);
  }

  #move(event) {
    const drag = this.drag;
    if (!drag) return;
    if (!drag.moved && Math.hypot(event.clientX - drag.screen.x, event.clientY - drag.screen.y) < DRAG_PX) return;
    drag.moved = true;
    const points = this.#reshaped(drag, event);
    drag.token = this.store.setOverride(drag.id, { ...drag.annotation, geometry: { points } });
  }

  #up(event) {
    const drag = this.drag;
    this.drag = null;
    if (!drag?.moved) return;
    const points = this.#reshaped(drag, event);
    // The preview stays until the update (whose own override replaces it) is answered.
    this.actions.update(drag.id, { geometry: { points } }).finally(() => this.store.clearOverride(drag.id, drag.token));
  }

  /** Escape during a drag puts the markup back. */
  cancelDrag() {
    if (!this.drag) return false;
    if (this.drag.token) this.store.clearOverride(this.drag.id, this.drag.token);
    this.drag = null;
    return true;
  }

  #doubleClick(event) {
    if (this.session.tool !== "select") return;
    const annotation = this.layer.markupAt(event.target);
    if (annotation && TEXT_KINDS.has(annotation.kind)) this.editText(annotation);
  }

  async editText(annotation) {
    if (!this.session.canEdit(annotation)) return;
    const { kind, geometry } = annotation;
    const fontSize = annotation.style?.font_size ?? DEFAULT_FONT_SIZE;
    const options = { text: annotation.text, fontSize, color: this.session.colorOf(annotation) };
    const text = (await this.editor.edit(textBox(kind, geometry.points), options))?.trim();
    if (text === undefined || text === annotation.text) return;
    const points = kind === "stamp" ? geometry.points : fitText(kind, geometry.points, text, fontSize);
    this.actions.update(annotation.id, { text, geometry: { ...geometry, points } });
  }

  /** A click on the bare sheet (not a drag to pan it) drops the selection. */
  #deselectOnEmptyClick() {
    const scroller = this.view.scroller;
    let down = null;
    scroller.addEventListener("pointerdown", (event) => {
      down = event.target.closest(".markup, .mk-handle, .markup-editor") ? null : { x: event.clientX, y: event.clientY };
    });
    scroller.addEventListener("pointerup", (event) => {
      if (down && this.session.tool === "select" && Math.hypot(event.clientX - down.x, event.clientY - down.y) < DRAG_PX) {
        this.session.select(null);
      }
      down = null;
    });
  }

  /** The outline of the selected markup and, when it may be changed, its handles. */
  render() {
    const layer = this.layer.selection;
    layer.replaceChildren();
    const annotation = this.selected;
    this.layer.shapes.querySelector(".markup.is-selected")?.classList.remove("is-selected");
    if (!annotation || annotation.page !== this.layer.page) return;
    this.layer.elementOf(annotation.id)?.classList.add("is-selected");
    const points = annotation.geometry.points;
    const box = annotation.kind === "pin" ? null : bounds(points);
    if (box) {
      // A little outside the shape (scallops and thick lines reach past their points).
      const bulge = annotation.kind === "cloud" ? cloudBulge(box) : 0;
      const pad = bulge + (annotation.style?.width ?? 2) / 2 + 2 / this.view.layout.scale;
      const outline = { x: box.x - pad, y: box.y - pad, width: box.width + 2 * pad, height: box.height + 2 * pad };
      layer.append(svg("rect", { class: "mk-selection-box", ...outline }));
    }
    if (!this.session.canEdit(annotation) || annotation.pending) return;
    const handles = handlesOf(annotation.kind, points, BOX_KINDS);
    if (annotation.kind === "freehand" || annotation.kind === "pin") return; // moved whole, by dragging
    handles.forEach((handle, index) => {
      const square = svg("rect", { class: "mk-handle-square", x: -4.5, y: -4.5, width: 9, height: 9, rx: 1.5 });
      const group = screenGroup(handle.x, handle.y, [square], { className: `mk-handle mk-handle-${handle.corner || "point"}` });
      group.dataset.index = String(index);
      group.dataset.noPan = "";
      layer.append(group);
    });
  }
}
