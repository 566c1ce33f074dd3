// Sheets named in markup text and replies — "see A-501", "detail 3/A-501", "a501" — found
// against the set's own sheet labels, and shown as links that open that sheet.

const CANDIDATE = /(?<![A-Z0-9])[A-Z]{1,3}[-. ]?\d{1,4}(?:\.\d{1,3})?[A-Z]?(?![A-Z0-9])/gi;

const normal = (label) => label.toUpperCase().replace(/[-. ]/g, "");

/** Where `text` names a sheet of `pages` ([{number, label}]): [{start, end, page, label}], in order. */
export function sheetRefs(text, pages) {
  const byLabel = new Map();
  for (const page of pages || []) if (page.label) byLabel.set(normal(page.label), page);
  const refs = [];
  for (const match of (text || "").matchAll(CANDIDATE)) {
    const page = byLabel.get(normal(match[0]));
    if (page) refs.push({ start: match.index, end: match.index + match[0].length, page: page.number, label: page.label });
  }
  return refs;
}

/** A link to the sheet, as the viewer opens it (its "previous view" comes back here). */
export function sheetLink(ref, text = ref.label) {
  const link = document.createElement("a");
  link.className = "sheet-link";
  link.href = `#page=${ref.page}`;
  link.textContent = text;
  link.title = `Open sheet ${ref.label}`;
  return link;
}

/** `nodes` with every sheet named in their text turned into a link. */
export function withSheetLinks(nodes, pages) {
  return nodes.flatMap((node) => {
    if (node.nodeType !== Node.TEXT_NODE) return [node];
    const text = node.textContent;
    const parts = [];
    let at = 0;
    for (const ref of sheetRefs(text, pages)) {
      if (ref.start > at) parts.push(document.createTextNode(text.slice(at, ref.start)));
      parts.push(sheetLink(ref, text.slice(ref.start, ref.end)));
      at = ref.end;
    }
    if (at === 0) return [node];
    if (at < text.length) parts.push(document.createTextNode(text.slice(at)));
    return parts;
  });
}
