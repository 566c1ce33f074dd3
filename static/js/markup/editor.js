// Typing a markup's text where it sits on the sheet: a textarea over its box, scaled with the
// sheet and growing with the text as the box will. Ctrl+Enter or a click elsewhere keeps the
// text; Escape cancels. Ended by a key, focus goes back where it was (the sheet, for one drawing
// with the keyboard).
import { fittedBox, measureText } from "./text_fit.js";

export class TextEditor {
  constructor(overlay) {
    this.overlay = overlay;
    this.active = null;
    this.onKeydown = null; // (event, field) => true when it took the key (the tool chest's #shortcuts)
    this.onOpen = null; // (field) => void, for each field opened (the tool chest's suggestions)
    this.keepsFocus = null; // (element) => true when focus may go there without ending the edit
  }

  get editing() {
    return this.active !== null;
  }

  /** Resolves with the text typed, or null when cancelled. box: in page points. */
  edit(box, { text = "", fontSize = 12, color = "#1c2733", placeholder = "Type the text…" } = {}) {
    this.cancel();
    const field = document.createElement("textarea");
    field.className = "markup-editor";
    field.value = text;
    field.placeholder = placeholder;
    field.setAttribute("aria-label", "Markup text (Ctrl+Enter keeps it, Escape cancels)");
    field.dataset.noPan = "";
    const place = () => {
      const fitted = fittedBox(box, field.value, fontSize, measureText);
      const size = { "--x": box.x, "--y": box.y, "--w": fitted.width, "--h": fitted.height, "--fs": fontSize };
      for (const [name, value] of Object.entries(size)) field.style.setProperty(name, String(value));
    };
    place();
    field.addEventListener("input", place);
    field.style.color = color;
    this.overlay.append(field);
    this.onOpen?.(field);
    const returnTo = document.activeElement;
    return new Promise((resolve) => {
      const finish = (value) => {
        if (this.active?.field !== field) return;
        this.active = null;
        field.remove();
        resolve(value);
      };
      this.active = { field, finish };
      field.addEventListener("keydown", (event) => {
        event.stopPropagation();
        if (this.onKeydown?.(event, field)) return;
        const kept = event.key === "Enter" && (event.ctrlKey || event.metaKey);
        if (event.key !== "Escape" && !kept) return;
        finish(kept ? field.value : null);
        if (returnTo instanceof HTMLElement && returnTo.isConnected) returnTo.focus();
      });
      field.addEventListener("blur", (event) => this.keepsFocus?.(event.relatedTarget) || finish(field.value));
      field.addEventListener("pointerdown", (event) => event.stopPropagation());
      requestAnimationFrame(() => {
        field.focus();
        field.select();
      });
    });
  }

  cancel() {
    this.active?.finish(null);
  }
}
