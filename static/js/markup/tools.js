// Drawing new markups with the pointer. Boxes, lines and arrows are dragged; a pin is a click;
// polylines, polygons and areas take a click per point and end with a double click or Enter;
// a callout is a dragged box, then a click where its leader points. Text boxes and callouts
// ask for their text where they stand; then the markup is sent and selected.

import { BOX_KINDS, CHAIN_KINDS, SEGMENT_KINDS } from "./kinds.js";
import { bounds, clampToPage, distance, thin } from "./geometry.js";
import { stampSize } from "./chest.js";
import { drawMarkup } from "./shapes.js";
import { fitText, textBox } from "./text_fit.js";

const CLICK_PX = 4; // a press that moves less than this (screen px) is a click

export class DrawingTools {
  constructor({ view, layer, store, session, actions, editor, toolbar, onCalibrate }) {
    Object.assign(this, { view, layer, store, session, actions, editor, toolbar, onCalibrate });
    this.draft = null; // {kind, points, phase, start}
    layer.element.addEventListener("pointerdown", (event) => this.#down(event));
    layer.element.addEventListener("dblclick", (event) => this.#finishChain(event));
    session.addEventListener("tool", () => this.cancel());
    view.addEventListener("pagechange", () => this.cancel());
  }

  get kind() {
    return this.session.tool === "calibrate" ? "line" : this.session.tool;
  }

  get active() {
    return this.session.tool !== "select";
  }

  #point(event) {
    const { x, y } = this.view.clientToPage({ x: event.clientX, y: event.clientY });
    return clampToPage([x, y], this.view.page);
  }

  #screenDistance(a, b) {
    return distance(a, b) * this.view.layout.scale;
  }

  #down(event) {
    if (!this.active || event.button !== 0 || this.editor.editing) return;
    event.preventDefault();
    if (this.press(this.#point(event)) === "drag") this.#follow();
  }

  /** The pointer pressed, or Enter at the keyboard cursor: returns "drag" when a drag began. */
  press(point) {
    const kind = this.kind;
    if (kind === "pin") return this.#finish([point]);
    if (this.draft?.phase === "leader") return this.#finish(this.draft.points);
    if (CHAIN_KINDS.has(kind)) return this.addChainPoint(point);
    this.draft = { kind, points: kind === "freehand" ? [point] : [point, point], phase: "drag", start: point };
    this.render();
    return "drag";
  }

  /** Track the pointer on the whole window until the button is released. */
  #follow() {
    const move = (event) => this.drag(this.#point(event));
    const up = (event) => {
      window.removeEventListener("pointermove", move);
      window.removeEventListener("pointerup", up);
      this.release(this.#point(event));
    };
    window.addEventListener("pointermove", move);
    window.addEventListener("pointerup", up);
  }

  /** Moving without a button pressed: the rubber band of chains and of a callout's leader. */
  hover(event) {
    this.pointTo(this.#point(event));
  }

  /** The last point of a chain or of a callout's leader follows the pointer (or the keyboard cursor). */
  pointTo(point) {
    if (!this.draft || this.draft.phase === "drag") return;
    this.draft.points[this.draft.points.length - 1] = point;
    this.render();
  }

  /** The pointer (or keyboard cursor) moved while pressed. */
  drag(point) {
    const draft = this.draft;
    if (!draft || draft.phase !== "drag") return;
    if (draft.kind === "freehand") {
      draft.points.push(point);
      draft.points = thin(draft.points, 1.5 / this.view.layout.scale);
    } else {
      draft.points[1] = point;
    }
    this.render();
  }

  /** The pointer released, or Enter again at the keyboard cursor: at the press's spot it is a click. */
  release(end) {
    const draft = this.draft;
    if (!draft || draft.phase !== "drag") return;
    const clicked = this.#screenDistance(draft.start, end) < CLICK_PX;
    if (draft.kind === "freehand") return draft.points.length >= 2 && !clicked ? this.#finish(draft.points) : this.cancel();
    if (clicked && draft.kind === "stamp") {
      const page = this.view.page;
      const [w, h] = stampSize(page);
      const x = Math.min(end[0], page.width - w);
      const y = Math.min(end[1], page.height - h);
      return this.#finish([clampToPage([x, y], page), clampToPage([x + w, y + h], page)]);
    }
    if (clicked) return this.cancel();
    draft.points[1] = end;
    if (draft.kind === "callout") {
      draft.phase = "leader";
      const box = bounds(draft.points);
      draft.points.push(clampToPage([box.x - 40 / this.view.layout.scale, box.y1 + 40 / this.view.layout.scale], this.view.page));
      return this.render();
    }
    this.#finish(draft.points);
  }

  addChainPoint(point) {
    if (!this.draft) {
      this.draft = { kind: this.kind, points: [point, point], phase: "chain" };
    } else {
      const points = this.draft.points;
      const first = points[0];
      const closing = this.kind !== "polyline" && points.length > 3 && this.#screenDistance(first, point) < 8;
      if (closing) return this.#finish(points.slice(0, -1));
      points[points.length - 1] = point;
      points.push(point);
    }
    this.render();
  }

  #finishChain(event) {
    if (!this.draft || this.draft.phase !== "chain") return;
    event?.preventDefault();
    this.finishChain();
  }

  /** Enter or a double click: the chain ends at the last point placed. */
  finishChain() {
    if (!this.draft || this.draft.phase !== "chain") return;
    // The last point follows the pointer; a double click also placed the same point twice.
    const points = this.draft.points.slice(0, -1);
    while (points.length > 1 && this.#screenDistance(points.at(-1), points.at(-2)) < CLICK_PX) points.pop();
    const fewest = this.draft.kind === "polyline" ? 2 : 3;
    if (points.length < fewest) return this.cancel();
    this.#finish(points);
  }

  /** Backspace while placing a chain: take back the last point. */
  undoPoint() {
    if (this.draft?.phase !== "chain") return false;
    if (this.draft.points.length <= 2) this.cancel();
    else this.draft.points.splice(-2, 1);
    this.render();
    return true;
  }

  cancel() {
    this.draft = null;
    this.render();
  }

  get drawing() {
    return this.draft !== null;
  }

  async #finish(points) {
    const tool = this.session.tool;
    const kind = this.kind;
    this.draft = tool === "text" || tool === "callout" ? { kind, points, phase: "text" } : null;
    this.render();
    if (tool === "calibrate") return this.onCalibrate(points);
    const data = { page: this.view.page.number, kind, geometry: { points }, style: this.toolbar.styleFor(kind) };
    if (kind === "stamp") Object.assign(data, { stamp: this.toolbar.stamp?.id, text: this.toolbar.stampText });
    if (kind === "text" || kind === "callout") {
      const box = textBox(kind, points);
      const text = await this.editor.edit(box, { fontSize: data.style.font_size, color: data.style.color });
      this.draft = null;
      this.render();
      if (!text || !text.trim()) return null;
      data.text = text.trim();
      data.geometry.points = fitText(kind, points, data.text, data.style.font_size);
    }
    this.session.setTool("select");
    const created = await this.actions.create(data);
    if (created) this.session.select(created.id);
    return created;
  }

  render() {
    const layer = this.layer.draft;
    layer.replaceChildren();
    const draft = this.draft;
    if (!draft || draft.points.length < 1) return;
    const points = draft.kind === "callout" && draft.points.length === 2 ? [...draft.points, draft.points[1]] : draft.points;
    if (BOX_KINDS.has(draft.kind) || SEGMENT_KINDS.has(draft.kind) || draft.kind === "callout") {
      if (points.length < 2) return;
    }
    const style = this.toolbar.styleFor(draft.kind);
    const annotation = {
      id: "draft",
      kind: draft.kind,
      page: this.view.page.number,
      geometry: { points },
      style,
      text: draft.kind === "stamp" ? this.toolbar.stampText : "",
      department: this.session.user?.department,
      author: this.session.user?.username,
    };
    const color = this.session.tool === "calibrate" ? "#1f5fbf" : style.color;
    const element = drawMarkup(annotation, { color, scale: this.store.scaleOf(annotation.page) });
    element.classList.add("is-draft");
    layer.append(element);
  }
}
