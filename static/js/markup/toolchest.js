// The standard comments menu: the reviewer's departments' libraries and their own, inserted into
// the markup text being written with a click, or typed: "#" opens suggestions narrowed as the
// shortcut is typed (arrows, Enter or Tab), and #shortcut then Tab or Enter puts in the one it
// names. The reviewer adds, edits and deletes their own entries here (heads: their department's).

import { apiFetch } from "../api.js";
import { commentText, expandShortcut, insertAt, matching, suggested } from "./chest.js";
import { Suggestions } from "./suggest.js";

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

    this.suggestions = new Suggestions(root.querySelector("#chest-suggest"), {
      find: (field) => suggested(field.value, field.selectionStart, this.library),
      option: (comment, item) => item.append(...this.#describe(comment)),
      chosen: (comment, field, start) => this.#write(field, insertAt(field.value, start, field.selectionStart, commentText(comment))),
      place: (list, field) => placeUnder(list, field),
    });
    const keys = (event, field) => this.suggestions.handleKey(event) || this.expand(event, field);
    editor.onKeydown = keys;
    editor.onOpen = (field) => this.suggestions.attach(field);
    editor.keepsFocus = (element) => Boolean(element && this.menu.contains(element));
    this.suggestions.attach(this.note);
    // Before the note's own keys (Escape there puts the saved text back).
    this.note.addEventListener("keydown", (event) => keys(event, this.note) && event.stopImmediatePropagation(), true);
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
      const button = event.target.closest("[data-id]");
      const comment = button && this.library.find((c) => String(c.id) === button.dataset.id);
      if (!comment) return;
      if (button.dataset.do === "edit") this.#startEditing(comment);
      else if (button.dataset.do === "delete") this.remove(comment);
      else this.insert(comment);
    });
    this.form = this.menu.querySelector("#chest-form");
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.save();
    });
    this.form.addEventListener("reset", () => this.#stopEditing());
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

  /** The form adds a comment, or saves the one being edited. */
  async save() {
    const data = Object.fromEntries(new FormData(this.form));
    const editing = this.form.dataset.editing;
    const error = this.form.querySelector("#chest-error");
    try {
      const saved = editing
        ? await apiFetch(`/api/standard-comments/${editing}/`, { method: "PATCH", json: { shortcut: data.shortcut, code: data.code, text: data.text } })
        : await apiFetch("/api/standard-comments/", { method: "POST", json: data });
      error.textContent = "";
      this.form.reset();
      this.library = [...this.library.filter((c) => c.id !== saved.id), saved];
      this.search.value = `#${saved.shortcut}`;
      this.render();
    } catch (failure) {
      error.textContent = failure.message;
    }
  }

  #startEditing(comment) {
    const fields = this.form.elements;
    this.form.dataset.editing = String(comment.id);
    fields.namedItem("department").value = comment.own ? "" : comment.department;
    fields.namedItem("department").disabled = true;
    for (const name of ["shortcut", "code", "text"]) fields.namedItem(name).value = comment[name] || "";
    this.form.querySelector("[type=submit]").textContent = `Save #${comment.shortcut}`;
    this.form.querySelector("[type=reset]").hidden = false;
    this.form.closest("details").open = true;
    fields.namedItem("text").focus();
  }

  #stopEditing() {
    delete this.form.dataset.editing;
    this.form.elements.namedItem("department").disabled = false;
    this.form.querySelector("[type=submit]").textContent = "Save";
    this.form.querySelector("[type=reset]").hidden = true;
  }

  async remove(comment) {
    if (!window.confirm(`Delete the standard comment #${comment.shortcut}?`)) return;
    try {
      await apiFetch(`/api/standard-comments/${comment.id}/`, { method: "DELETE" });
      this.library = this.library.filter((c) => c.id !== comment.id);
      this.render();
      this.search.focus();
    } catch (failure) {
      this.notices.show(`The standard comment could not be deleted: ${failure.message}`, "error");
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

  /** A comment as the menu and the suggestions show it: #shortcut · code, whose, its words. */
  #describe(comment) {
    const head = document.createElement("span");
    head.className = "chest-item-head";
    head.textContent = `#${comment.shortcut}${comment.code ? ` · ${comment.code}` : ""}`;
    const where = document.createElement("span");
    where.className = "chest-item-where";
    where.textContent = comment.own ? "Yours" : this.session.department(comment.department).name;
    const text = document.createElement("span");
    text.className = "chest-item-text";
    text.textContent = comment.text;
    return [head, where, text];
  }

  render() {
    const query = this.search.value.trim().replace(/^#/, "").toLowerCase();
    const shown = query
      ? this.library.filter((c) => `${c.shortcut} ${c.code} ${c.text}`.toLowerCase().includes(query))
      : matching(this.library, "");
    const items = shown.map((comment) => {
      const item = document.createElement("li");
      item.className = "chest-entry";
      const button = document.createElement("button");
      button.type = "button";
      button.className = "chest-item";
      button.dataset.id = String(comment.id);
      button.append(...this.#describe(comment));
      item.append(button);
      if (comment.editable) item.append(this.#action(comment, "edit", "Edit"), this.#action(comment, "delete", "Delete"));
      return item;
    });
    const empty = document.createElement("li");
    empty.className = "chest-empty";
    empty.textContent = this.library.length ? "No standard comment matches." : "No standard comments yet.";
    this.list.replaceChildren(...(items.length ? items : [empty]));
  }

  #action(comment, action, label) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "button button-small button-quiet chest-action";
    button.dataset.id = String(comment.id);
    button.dataset.do = action;
    button.textContent = label;
    button.setAttribute("aria-label", `${label} #${comment.shortcut}`);
    return button;
  }
}

/** A list of suggestions just under the field being typed in, inside the window. */
function placeUnder(list, field) {
  const box = field.getBoundingClientRect();
  list.style.left = `${Math.max(8, Math.min(box.left, window.innerWidth - list.offsetWidth - 8))}px`;
  list.style.top = `${Math.min(box.bottom + 4, window.innerHeight - list.offsetHeight - 8)}px`;
}
