// The standard comments menu: the reviewer's departments' libraries and their own, inserted into
// the markup text being written with a click, or typed as #shortcut then Tab or Enter.

import { apiFetch } from "../api.js";
import { commentText, expandShortcut, insertAt, matching } from "./chest.js";

export class StandardComments {
  constructor(root, { session, editor, notices }) {
    Object.assign(this, { root, session, editor, notices });
    this.library = [];
    this.button = root.querySelector("[data-action=standard-comments]");
    this.menu = root.querySelector("#chest-menu");
    this.search = this.menu.querySelector("#chest-search");
    this.list = this.menu.querySelector("#chest-list");
    this.note = root.querySelector("#detail-text");
    this.target = null; // the text field a pick goes into

    editor.onKeydown = (event, field) => this.expand(event, field);
    editor.keepsFocus = (element) => Boolean(element && this.menu.contains(element));
    this.note.addEventListener("keydown", (event) => this.expand(event, this.note));
    // Keep the caret where it is while opening the menu or picking from it with the pointer.
    this.button.addEventListener("pointerdown", (event) => event.preventDefault());
    this.list.addEventListener("pointerdown", (event) => event.preventDefault());
    this.button.addEventListener("click", () => {
      this.target = this.#field();
    });
    this.menu.addEventListener("toggle", (event) => {
      if (event.newState === "open") return this.#opened();
      this.target?.isConnected && this.target.focus();
    });
    this.search.addEventListener("input", () => this.render());
    this.list.addEventListener("click", (event) => {
      const item = event.target.closest("[data-id]");
      if (item) this.insert(this.library.find((c) => String(c.id) === item.dataset.id));
    });
    this.form = this.menu.querySelector("#chest-form");
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.save();
    });
    const showEditable = () => {
      this.button.disabled = !session.canAnnotate;
    };
    session.addEventListener("editable", showEditable);
    showEditable();
    session.addEventListener("user", () => this.#offerLibraries(), { once: true });
    session.addEventListener("user", () => this.load(), { once: true });
  }

  /** A head may add to their department's library as well as to their own. */
  #offerLibraries() {
    const select = this.form.querySelector("#chest-library");
    const heads = this.session.user?.heads || [];
    select.replaceChildren(new Option("Mine", ""), ...heads.map((slug) => new Option(this.session.department(slug).name, slug)));
  }

  async save() {
    const data = Object.fromEntries(new FormData(this.form));
    const error = this.form.querySelector("#chest-error");
    try {
      const saved = await apiFetch("/api/standard-comments/", { method: "POST", json: data });
      error.textContent = "";
      this.form.reset();
      this.library = [...this.library, saved];
      this.search.value = `#${saved.shortcut}`;
      this.render();
    } catch (failure) {
      error.textContent = failure.message;
    }
  }

  async load() {
    try {
      this.library = await apiFetch("/api/standard-comments/");
    } catch {
      this.library = [];
    }
    this.render();
  }

  /** The field being written: the text editor on the sheet, or the selected markup's note. */
  #field() {
    if (this.editor.active) return this.editor.active.field;
    if (document.activeElement === this.note) return this.note;
    return !this.note.hidden && this.session.selectedId !== null ? this.note : null;
  }

  #opened() {
    this.target = this.target || this.#field();
    const anchor = this.button.getBoundingClientRect();
    this.menu.style.left = `${Math.max(8, Math.min(anchor.left, window.innerWidth - this.menu.offsetWidth - 8))}px`;
    this.menu.style.top = `${anchor.bottom + 6}px`;
    this.search.value = "";
    this.render();
  }

  /** Tab or Enter just after a #shortcut puts its comment in its place. */
  expand(event, field) {
    if (!(event.key === "Tab" || event.key === "Enter") || event.shiftKey || event.ctrlKey || event.metaKey) return false;
    const expanded = expandShortcut(field.value, field.selectionStart, this.library);
    if (!expanded) return false;
    event.preventDefault();
    this.#write(field, expanded);
    return true;
  }

  insert(comment) {
    const field = this.target && this.target.isConnected ? this.target : this.#field();
    this.menu.hidePopover?.();
    if (!comment) return;
    if (!field) {
      this.notices.show("Start a text box or callout, or select your markup, to insert a standard comment.", "info");
      return;
    }
    const at = document.activeElement === field ? field.selectionStart : field.value.length;
    const end = document.activeElement === field ? field.selectionEnd : at;
    this.#write(field, insertAt(field.value, at, end, commentText(comment)));
  }

  #write(field, { text, caret }) {
    field.value = text;
    field.focus();
    field.setSelectionRange(caret, caret);
    field.dispatchEvent(new Event("input", { bubbles: true }));
  }

  render() {
    const query = this.search.value.trim().replace(/^#/, "").toLowerCase();
    const shown = query
      ? this.library.filter((c) => `${c.shortcut} ${c.code} ${c.text}`.toLowerCase().includes(query))
      : matching(this.library, "");
    const items = shown.map((comment) => {
      const item = document.createElement("li");
      const button = document.createElement("button");
      button.type = "button";
      button.className = "chest-item";
      button.dataset.id = String(comment.id);
      const head = document.createElement("span");
      head.className = "chest-item-head";
      head.textContent = `#${comment.shortcut}${comment.code ? ` · ${comment.code}` : ""}`;
      const where = document.createElement("span");
      where.className = "chest-item-where";
      where.textContent = comment.own ? "Yours" : this.session.department(comment.department).name;
      const text = document.createElement("span");
      text.className = "chest-item-text";
      text.textContent = comment.text;
      button.append(head, where, text);
      item.append(button);
      return item;
    });
    const empty = document.createElement("li");
    empty.className = "chest-empty";
    empty.textContent = this.library.length ? "No standard comment matches." : "No standard comments yet.";
    this.list.replaceChildren(...(items.length ? items : [empty]));
  }
}
