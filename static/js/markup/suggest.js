// Suggestions while typing in a text field: a listbox under it, walked with the arrow keys,
// Enter or Tab to take the one shown as active, Escape to close, or a click. The field keeps
// focus and says which option is active (aria-activedescendant), the ARIA listbox pattern for a
// text field (a textarea cannot take the combobox role). Serves @mentions and #standard comments.

let lists = 0;

export class Suggestions {
  /**
   * menu: an empty <ul role="listbox">. find(field) → {matches, start} or null: what to offer
   * for the text before the caret; option(match, li) fills an option; chosen(match, field, start)
   * puts the match in the field; place(menu, field), if given, positions the list.
   */
  constructor(menu, { find, option, chosen, place = null }) {
    Object.assign(this, { menu, find, option, chosen, place });
    this.field = null;
    this.matches = [];
    this.start = 0;
    this.active = 0;
    this.id = menu.id || `suggestions-${++lists}`;
    menu.id = this.id;
    menu.hidden = true;
    menu.addEventListener("mousedown", (event) => event.preventDefault()); // keep the caret in the field
    menu.addEventListener("click", (event) => {
      const option = event.target.closest("[role=option]");
      if (option) this.pick(Number(option.dataset.index));
    });
  }

  /** Offer suggestions in `field` as it is typed in. */
  attach(field) {
    field.setAttribute("aria-autocomplete", "list");
    field.setAttribute("aria-controls", this.id);
    field.addEventListener("input", () => this.update(field));
    field.addEventListener("click", () => this.update(field));
    field.addEventListener("blur", () => this.close());
  }

  get open() {
    return !this.menu.hidden;
  }

  /** Keys in the field while the list is open; true when the key was for the list. */
  handleKey(event) {
    if (!this.open || event.altKey || event.ctrlKey || event.metaKey) return false;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      const step = event.key === "ArrowDown" ? 1 : -1;
      this.active = (this.active + step + this.matches.length) % this.matches.length;
      this.#render();
    } else if ((event.key === "Enter" || event.key === "Tab") && !event.shiftKey) {
      this.pick(this.active);
    } else if (event.key === "Escape") {
      this.close();
    } else {
      return false;
    }
    event.preventDefault();
    return true;
  }

  update(field) {
    const found = this.find(field);
    if (!found?.matches.length) return this.close();
    if (this.field !== field) this.active = 0;
    Object.assign(this, { field, matches: found.matches, start: found.start });
    this.active = Math.min(this.active, this.matches.length - 1);
    this.menu.hidden = false;
    this.#render();
    this.place?.(this.menu, field);
  }

  #render() {
    this.menu.replaceChildren(
      ...this.matches.map((match, index) => {
        const item = document.createElement("li");
        item.role = "option";
        item.id = `${this.id}-${index}`;
        item.dataset.index = String(index);
        item.setAttribute("aria-selected", String(index === this.active));
        this.option(match, item);
        return item;
      }),
    );
    this.field?.setAttribute("aria-activedescendant", `${this.id}-${this.active}`);
    this.menu.children[this.active]?.scrollIntoView({ block: "nearest" });
  }

  pick(index) {
    const { field, start } = this;
    const match = this.matches[index];
    this.close();
    if (!field || !match) return;
    this.chosen(match, field, start);
    field.focus();
  }

  close() {
    this.menu.hidden = true;
    this.active = 0;
    this.field?.removeAttribute("aria-activedescendant");
  }
}
