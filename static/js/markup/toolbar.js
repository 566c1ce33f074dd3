// The markup toolbar: tools, the colour and line width of what is drawn (or of the selected
// markup, when it is one's own), the stamp's words, undo and redo.

import { STAMPS, TEXT_KINDS } from "./kinds.js";
import { DEFAULT_FONT_SIZE, FONT_SIZES, fitText } from "./text_fit.js";

export const PALETTE = ["#d32f2f", "#ef6c00", "#f9a825", "#2e7d32", "#00897b", "#1565c0", "#6a1b9a", "#ad1457", "#5d4037", "#263238"];
const WIDTHS = [0.5, 1, 2, 3, 5, 8];

export class MarkupToolbar {
  constructor(root, { session, store, history, actions }) {
    Object.assign(this, { root, session, store, history, actions });
    this.color = null; // null: the department's colour
    this.width = 2;
    this.fontSize = DEFAULT_FONT_SIZE;
    this.stampText = STAMPS[0];
    this.tools = [...root.querySelectorAll("[data-tool]")];
    this.colorButton = root.querySelector("[data-action=pick-color]");
    this.colorMenu = root.querySelector("#color-menu");
    this.widthSelect = root.querySelector("#line-width");
    this.fontSelect = root.querySelector("#font-size");
    this.stampSelect = root.querySelector("#stamp-text");
    this.undoButton = root.querySelector("[data-action=undo]");
    this.redoButton = root.querySelector("[data-action=redo]");

    for (const button of this.tools) button.addEventListener("click", () => session.setTool(button.dataset.tool));
    this.#buildColorMenu();
    this.#buildStampMenu();
    this.widthSelect.replaceChildren(...WIDTHS.map((w) => new Option(`${w} pt`, String(w), false, w === this.width)));
    this.widthSelect.addEventListener("change", () => this.#setWidth(Number(this.widthSelect.value)));
    this.fontSelect.replaceChildren(...FONT_SIZES.map((size) => new Option(`${size} pt text`, String(size), false, size === this.fontSize)));
    this.fontSelect.addEventListener("change", () => this.#setFontSize(Number(this.fontSelect.value)));
    this.undoButton.addEventListener("click", () => history.undo());
    this.redoButton.addEventListener("click", () => history.redo());

    session.addEventListener("tool", () => this.#showTool());
    session.addEventListener("editable", () => this.#showEditable());
    session.addEventListener("user", () => this.#showStyle());
    session.addEventListener("select", () => this.#showStyle());
    store.addEventListener("change", (event) => event.detail.ids.includes(session.selectedId) && this.#showStyle());
    history.addEventListener("change", () => this.#showHistory());
    this.#showTool();
    this.#showEditable();
    this.#showHistory();
  }

  /** The style a new markup of `kind` gets. */
  styleFor(kind) {
    const color = this.color || this.session.user?.color || "#1565c0";
    if (kind === "highlight") return { color, opacity: 1 };
    if (kind === "text" || kind === "callout") return { color, width: Math.min(this.width, 2), font_size: this.fontSize };
    if (kind === "stamp") return { color, width: 2.5 };
    return { color, width: this.width };
  }

  /** The selected markup, when the colour and width buttons apply to it. */
  get #target() {
    const annotation = this.session.selectedId === null ? null : this.store.get(this.session.selectedId);
    return annotation && this.session.canEdit(annotation) && !annotation.pending ? annotation : null;
  }

  #setColor(color) {
    const target = this.#target;
    if (target) this.actions.update(target.id, { style: { ...target.style, color } });
    else this.color = color;
    this.#showStyle();
  }

  #setWidth(width) {
    const target = this.#target;
    if (target) this.actions.update(target.id, { style: { ...target.style, width } });
    else this.width = width;
  }

  /** New text gets this size; a selected text box or callout takes it, and grows to hold its text. */
  #setFontSize(size) {
    const target = this.#target;
    if (!target || !TEXT_KINDS.has(target.kind) || target.kind === "stamp") {
      this.fontSize = size;
      return;
    }
    const points = fitText(target.kind, target.geometry.points, target.text, size);
    this.actions.update(target.id, { style: { ...target.style, font_size: size }, geometry: { ...target.geometry, points } });
  }

  #buildColorMenu() {
    const swatch = (color, label) => {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "swatch";
      button.style.setProperty("--swatch", color);
      button.title = label;
      button.setAttribute("aria-label", label);
      button.addEventListener("click", () => {
        this.#setColor(color);
        this.colorMenu.hidePopover?.();
      });
      return button;
    };
    const refill = () => {
      const own = this.session.user?.color;
      const colors = PALETTE.filter((c) => c.toLowerCase() !== own?.toLowerCase());
      this.colorMenu.replaceChildren(
        ...(own ? [swatch(own, "Your department's colour")] : []),
        ...colors.map((c) => swatch(c, c)),
      );
    };
    this.session.addEventListener("user", refill);
    refill();
    this.colorMenu.addEventListener("toggle", (event) => {
      if (event.newState === "open") placeBelow(this.colorMenu, this.colorButton);
    });
  }

  #buildStampMenu() {
    this.stampSelect.replaceChildren(...STAMPS.map((words) => new Option(words, words)));
    this.stampSelect.addEventListener("change", () => {
      this.stampText = this.stampSelect.value;
      this.session.setTool("stamp");
    });
  }

  #showTool() {
    for (const button of this.tools) button.setAttribute("aria-pressed", String(button.dataset.tool === this.session.tool));
    this.root.dataset.activeTool = this.session.tool;
  }

  #showEditable() {
    const editable = this.session.canAnnotate;
    for (const button of this.tools) if (button.dataset.tool !== "select") button.disabled = !editable;
    for (const control of [this.colorButton, this.widthSelect, this.fontSelect, this.stampSelect]) control.disabled = !editable;
    this.root.classList.toggle("is-read-only", !editable);
    this.#showHistory();
  }

  #showStyle() {
    const target = this.#target;
    const color = target ? this.session.colorOf(target) : this.color || this.session.user?.color || "#1565c0";
    this.colorButton.style.setProperty("--swatch", color);
    this.colorButton.title = target ? "Colour of the selected markup" : "Colour of new markups";
    const width = target ? target.style?.width ?? 2 : this.width;
    if (!WIDTHS.includes(width)) this.widthSelect.append(new Option(`${width} pt`, String(width)));
    this.widthSelect.value = String(width);
    const fontSize = target && TEXT_KINDS.has(target.kind) ? target.style?.font_size ?? DEFAULT_FONT_SIZE : this.fontSize;
    if (!FONT_SIZES.includes(fontSize)) this.fontSelect.append(new Option(`${fontSize} pt text`, String(fontSize)));
    this.fontSelect.value = String(fontSize);
  }

  #showHistory() {
    const editable = this.session.canAnnotate;
    this.undoButton.disabled = !editable || !this.history.canUndo;
    this.redoButton.disabled = !editable || !this.history.canRedo;
  }
}

/** Put a popover just below the button that opens it, inside the window. */
export function placeBelow(popover, button) {
  const anchor = button.getBoundingClientRect();
  const width = popover.offsetWidth;
  const left = Math.max(8, Math.min(anchor.left, window.innerWidth - width - 8));
  popover.style.left = `${left}px`;
  popover.style.top = `${anchor.bottom + 6}px`;
}
