// @mentions of the case's departments and reviewers in a reply: an autocomplete menu while
// typing, and the mentions picked out when a reply is shown. Each one mentionable is
// {slug (the name after @), name, color}.

const TYPING = /(^|\s)@([a-z0-9_-]*)$/i;
const MENTION = /(@[a-z0-9][a-z0-9_-]*)/gi;

export class MentionMenu {
  /** field: the reply textarea; menu: an empty list under it; departments: who may be mentioned. */
  constructor(field, menu, departments) {
    Object.assign(this, { field, menu, departments });
    this.matches = [];
    this.active = 0;
    field.addEventListener("input", () => this.update());
    field.addEventListener("click", () => this.update());
    field.addEventListener("blur", () => setTimeout(() => this.close(), 150));
    menu.addEventListener("mousedown", (event) => event.preventDefault()); // keep the caret in the field
    menu.addEventListener("click", (event) => {
      const option = event.target.closest("[data-slug]");
      if (option) this.pick(option.dataset.slug);
    });
  }

  get open() {
    return !this.menu.hidden;
  }

  /** Keys while the menu is open; true when the key was for the menu. */
  handleKey(event) {
    if (!this.open) return false;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      const step = event.key === "ArrowDown" ? 1 : -1;
      this.active = (this.active + step + this.matches.length) % this.matches.length;
      this.#render();
    } else if (event.key === "Enter" || event.key === "Tab") {
      this.pick(this.matches[this.active].slug);
    } else if (event.key === "Escape") {
      this.close();
    } else {
      return false;
    }
    event.preventDefault();
    return true;
  }

  #typed() {
    const before = this.field.value.slice(0, this.field.selectionStart);
    const match = before.match(TYPING);
    return match ? { query: match[2].toLowerCase(), start: before.length - match[2].length - 1 } : null;
  }

  update() {
    const typed = this.#typed();
    this.matches = typed
      ? this.departments.filter(
          (d) => d.slug.toLowerCase().startsWith(typed.query) || d.name.toLowerCase().split(/\s+/).some((word) => word.startsWith(typed.query)),
        )
      : [];
    if (!this.matches.length) return this.close();
    this.active = Math.min(this.active, this.matches.length - 1);
    this.menu.hidden = false;
    this.#render();
  }

  #render() {
    this.menu.replaceChildren(
      ...this.matches.map((department, index) => {
        const option = document.createElement("li");
        option.role = "option";
        option.dataset.slug = department.slug;
        option.className = "mention-option";
        option.setAttribute("aria-selected", String(index === this.active));
        option.style.setProperty("--dept", department.color);
        option.innerHTML = '<span class="mention-slug"></span><span class="mention-name"></span>';
        option.firstChild.textContent = `@${department.slug}`;
        option.lastChild.textContent = department.name;
        return option;
      }),
    );
  }

  pick(slug) {
    const typed = this.#typed();
    if (!typed) return this.close();
    const value = this.field.value;
    const caret = this.field.selectionStart;
    const inserted = `@${slug} `;
    this.field.value = value.slice(0, typed.start) + inserted + value.slice(caret);
    const at = typed.start + inserted.length;
    this.field.setSelectionRange(at, at);
    this.close();
    this.field.focus();
  }

  close() {
    this.menu.hidden = true;
    this.active = 0;
  }
}

/** A reply's text as nodes, its @mentions of known departments marked in their colour. */
export function withMentions(text, departments) {
  const nodes = [];
  for (const part of text.split(MENTION)) {
    const department = part.startsWith("@") ? departments.get(part.slice(1).toLowerCase()) : null;
    if (department) {
      const mention = document.createElement("span");
      mention.className = "mention";
      mention.style.setProperty("--dept", department.color);
      mention.textContent = part;
      nodes.push(mention);
    } else if (part) {
      nodes.push(document.createTextNode(part));
    }
  }
  return nodes;
}
