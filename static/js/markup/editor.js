// Typing a markup's text where it sits on the sheet: a textarea over its box, scaled with the
// sheet and growing with the text as the box will. Ctrl+Enter or a click elsewhere keeps the
// text; Escape cancels.
import { fittedBox, measureText } from "./text_fit.js";

export class TextEditor {
  constructor(overlay) {
    this.overlay = overlay;
    this.active = null;
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
    field.setAttribute("aria-label", "Markup text");
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
        if (event.key === "Escape") finish(null);
        if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) finish(field.value);
      });
      field.addEventListener("blur", () => finish(field.value));
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
