// @mentions of the case's departments and reviewers in a reply: an autocomplete menu while
// typing, and the mentions picked out when a reply is shown. Each one mentionable is
// {slug (the name after @), name, color}.

import { Suggestions } from "./suggest.js";

const TYPING = /(^|\s)@([a-z0-9_-]*)$/i;
const MENTION = /(@[a-z0-9][a-z0-9_-]*)/gi;

export class MentionMenu extends Suggestions {
  /** field: the reply textarea; menu: an empty listbox under it; departments: who may be mentioned. */
  constructor(field, menu, departments) {
    super(menu, {
      find: (typed) => {
        const before = typed.value.slice(0, typed.selectionStart);
        const match = before.match(TYPING);
        if (!match) return null;
        const query = match[2].toLowerCase();
        const named = (d) => d.slug.toLowerCase().startsWith(query) || d.name.toLowerCase().split(/\s+/).some((word) => word.startsWith(query));
        return { matches: departments.filter(named), start: before.length - match[2].length - 1 };
      },
      option: (department, item) => {
        item.className = "mention-option";
        item.style.setProperty("--dept", department.color);
        item.innerHTML = '<span class="mention-slug"></span><span class="mention-name"></span>';
        item.firstChild.textContent = `@${department.slug}`;
        item.lastChild.textContent = department.name;
      },
      chosen: (department, typed, start) => {
        const inserted = `@${department.slug} `;
        typed.value = typed.value.slice(0, start) + inserted + typed.value.slice(typed.selectionStart);
        typed.setSelectionRange(start + inserted.length, start + inserted.length);
      },
    });
    this.attach(field);
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
