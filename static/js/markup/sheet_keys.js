// The sheet with the keyboard alone, while it has focus. With a drawing tool: a cursor moved by
// the arrow keys (Shift: ten times as far), Enter sets a point where it stands, Escape cancels.
// With the select tool: Tab and Shift+Tab go through the sheet's markups in reading order (past
// the last, focus moves on), the arrows move the selected markup, Enter edits its text (a text
// box's or callout's on the sheet, another's note in the panel). What happens is said in a live
// region, for screen readers.

import { describePoint, enterAction, moveCursor, nudge, readingOrder, stepThrough } from "./cursor.js";
import { kindLabel, markupTitle } from "./kinds.js";
import { screenGroup, svg } from "./svg.js";

const ARROWS = new Set(["ArrowLeft", "ArrowRight", "ArrowUp", "ArrowDown"]);
const EDGE_PX = 40; // the view scrolls to keep the cursor this far inside it

export class SheetKeys {
  constructor({ view, layer, store, session, tools, selection, actions, editor, thread, announcer }) {
    Object.assign(this, { view, layer, store, session, tools, selection, actions, editor, thread, announcer });
    this.cursor = null; // page point, while drawing from the keyboard
    this.nudging = null; // {id, geometry, points, token}: a move by arrows not sent yet
    this.mark = svg("g", { class: "markup-cursor" });
    layer.element.append(this.mark);
    const sheet = view.scroller;
    sheet.addEventListener("keydown", (event) => this.#keydown(event));
    sheet.addEventListener("keyup", (event) => ARROWS.has(event.key) && this.#sendNudge());
    sheet.addEventListener("blur", () => this.#sendNudge());
    sheet.addEventListener("pointermove", () => this.cursor && this.#hideCursor()); // the pointer takes over
    session.addEventListener("tool", () => this.#hideCursor());
    view.addEventListener("pagechange", () => this.#hideCursor());
  }

  #keydown(event) {
    if (event.target !== this.view.scroller || event.altKey || event.ctrlKey || event.metaKey) return;
    if (this.editor.editing || !this.view.page) return;
    const handled = this.session.tool === "select" ? this.#selectKey(event) : this.#drawKey(event);
    if (handled) event.preventDefault();
  }

  // --- drawing --------------------------------------------------------------------------------

  #drawKey(event) {
    // A chain begun with the pointer ends with Enter as before (markup shortcuts).
    if (!this.cursor && this.tools.drawing) return false;
    if (!ARROWS.has(event.key) && event.key !== "Enter") return false;
    if (!this.cursor) {
      this.cursor = this.#viewCentre();
      this.say(`${kindLabel(this.tools.kind)}: cursor at ${this.#where()}. Arrow keys move it, Shift for longer steps; Enter sets a point; Escape cancels.`);
      if (event.key !== "Enter") return this.#showCursor();
    }
    if (event.key === "Enter") return this.#enter();
    this.cursor = moveCursor(this.cursor, event.key, { big: event.shiftKey, scale: this.view.layout.scale, page: this.view.page });
    this.tools.drag(this.cursor);
    this.tools.pointTo(this.cursor);
    return this.#showCursor();
  }

  #enter() {
    const at = this.cursor;
    const action = enterAction(this.tools.kind, this.tools.draft, at);
    const kind = kindLabel(this.tools.kind);
    if (action === "press" || action === "point" || action === "place") {
      this.tools.press(at);
      if (action !== "place") this.say(`${kind}: point set at ${this.#where()}. Move and press Enter for the next${action === "point" ? "; Enter again here ends it" : ""}.`);
    } else if (action === "release") {
      this.tools.release(at);
      if (this.tools.draft?.phase === "leader") {
        this.cursor = this.tools.draft.points.at(-1);
        this.say(`Callout box set. Move the leader's tip, now at ${this.#where()}, and press Enter.`);
      }
    } else if (action === "finish") {
      this.tools.finishChain();
    } else if (action === "leader") {
      this.tools.press(at);
    }
    return this.#showCursor();
  }

  #viewCentre() {
    const { x, y } = this.view.snapshot().center;
    const page = this.view.page;
    return [Math.min(Math.max(x, 0), page.width), Math.min(Math.max(y, 0), page.height)];
  }

  #where() {
    return describePoint(this.cursor, this.view.page);
  }

  #showCursor() {
    this.mark.replaceChildren();
    if (!this.cursor) return true;
    const arms = svg("path", { d: "M-14 0H-4M4 0H14M0 -14V-4M0 4V14", class: "markup-cursor-arms" });
    const ring = svg("circle", { r: 4, class: "markup-cursor-ring" });
    this.mark.append(screenGroup(this.cursor[0], this.cursor[1], [arms, ring]));
    this.#keepInView(this.cursor);
    return true;
  }

  #hideCursor() {
    this.cursor = null;
    this.mark.replaceChildren();
  }

  #keepInView(point) {
    const at = this.view.pageToClient({ x: point[0], y: point[1] });
    const box = this.view.scroller.getBoundingClientRect();
    const past = (value, low, high) => (value < low + EDGE_PX ? value - low - EDGE_PX : value > high - EDGE_PX ? value - high + EDGE_PX : 0);
    const left = past(at.x, box.left, box.left + this.view.scroller.clientWidth);
    const top = past(at.y, box.top, box.top + this.view.scroller.clientHeight);
    if (left || top) this.view.scroller.scrollBy({ left, top });
  }

  // --- selecting, moving, editing -----------------------------------------------------------

  #selectKey(event) {
    if (event.key === "Tab") return this.#step(event.shiftKey ? -1 : 1);
    if (event.key === "Escape" && this.nudging) return this.#cancelNudge();
    const annotation = this.#selectedHere();
    if (!annotation) return false;
    if (ARROWS.has(event.key)) return this.#nudge(annotation, event.key, event.shiftKey);
    if (event.key === "Enter") return this.#edit(annotation);
    return false;
  }

  /** The selected markup when it is on the sheet shown. */
  #selectedHere() {
    const annotation = this.selection.selected;
    return annotation && annotation.page === this.view.page.number ? annotation : null;
  }

  #step(step) {
    const shown = readingOrder(this.store.all().filter((a) => a.page === this.view.page.number));
    const ids = shown.map((a) => a.id);
    const next = stepThrough(ids, this.session.selectedId, step);
    if (next === null) return false; // focus moves on, out of the sheet
    this.#sendNudge();
    this.session.select(next);
    const annotation = this.store.get(next);
    const department = this.session.department(annotation.department).name;
    const state = [annotation.status, this.session.canEdit(annotation) ? "yours to change" : "read only"].join(", ");
    this.say(`${kindLabel(annotation.kind)} ${ids.indexOf(next) + 1} of ${ids.length}: ${markupTitle(annotation)}, ${department}, ${annotation.author}; ${state}.`);
    return true;
  }

  #nudge(annotation, key, big) {
    if (!this.session.canEdit(annotation) || annotation.pending) return false; // the arrows scroll the sheet
    // From what is shown: a move still on its way to the server included.
    const from = this.nudging?.id === annotation.id ? this.nudging.points : annotation.geometry.points;
    const points = nudge(from, key, { big, scale: this.view.layout.scale, page: this.view.page });
    const token = this.store.setOverride(annotation.id, { ...annotation, geometry: { ...annotation.geometry, points } });
    this.nudging = { id: annotation.id, geometry: annotation.geometry, points, token };
    this.#keepInView(points[0]);
    return true;
  }

  /** Arrow keys released: the move is sent once, however many steps it took. */
  #sendNudge() {
    const moved = this.nudging;
    if (!moved) return;
    this.nudging = null;
    const { id, geometry, points, token } = moved;
    this.say(`Moved to ${describePoint(points[0], this.view.page)}.`);
    this.actions.update(id, { geometry: { ...geometry, points } }).finally(() => this.store.clearOverride(id, token));
  }

  #cancelNudge() {
    this.store.clearOverride(this.nudging.id, this.nudging.token);
    this.nudging = null;
    this.say("Move cancelled.");
    return true;
  }

  #edit(annotation) {
    if (!this.session.canEdit(annotation) || annotation.pending) return this.thread.focusReply();
    if (annotation.kind === "text" || annotation.kind === "callout") {
      this.selection.editText(annotation);
      return true;
    }
    return this.thread.focusNote();
  }

  /** Tell screen readers (the sheet's live region). */
  say(text) {
    this.announcer.textContent = "";
    requestAnimationFrame(() => (this.announcer.textContent = text));
  }
}
