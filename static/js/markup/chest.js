// The tool chest's pure parts, shared by the viewer and the node tests: standard comments typed
// as #shortcut, and the size a stamp is placed at on a sheet.

const TYPED = /(^|[\s(])#([a-z0-9][a-z0-9_-]*)$/i;
const TYPING = /(^|[\s(])#([a-z0-9_-]*)$/i;
/** At most this many standard comments are suggested while a #shortcut is typed. */
export const SUGGESTED = 8;

/** The standard comment as it goes into a markup's text: "IBC 1005.3.2 — Egress width…". */
export function commentText(comment) {
  return comment.code ? `${comment.code} — ${comment.text}` : comment.text;
}

/** The #shortcut just before the caret: {shortcut, start} (start: where the # is), or null. */
export function typedShortcut(text, caret = text.length) {
  const match = text.slice(0, caret).match(TYPED);
  return match ? { shortcut: match[2].toLowerCase(), start: caret - match[2].length - 1 } : null;
}

/** While "#" and the start of a shortcut are typed: the comments to suggest and where the # is. */
export function suggested(text, caret, library) {
  const match = text.slice(0, caret).match(TYPING);
  if (!match) return null;
  return { matches: matching(library, match[2]).slice(0, SUGGESTED), start: caret - match[2].length - 1 };
}

/** The library's comments whose shortcut begins with `typed`, the exact one first; a
 * reviewer's own before their department's of the same shortcut. */
export function matching(library, typed) {
  const query = typed.toLowerCase();
  const found = library.filter((c) => c.shortcut.startsWith(query));
  const rank = (c) => (c.shortcut === query ? 0 : 2) + (c.own ? 0 : 1);
  return found.sort((a, b) => rank(a) - rank(b) || a.shortcut.localeCompare(b.shortcut));
}

/** Tab or Enter after "#egress": the text with the shortcut replaced by its comment, and the
 * caret after it; null when nothing before the caret names one comment. */
export function expandShortcut(text, caret, library) {
  const typed = typedShortcut(text, caret);
  if (!typed) return null;
  const found = matching(library, typed.shortcut);
  const chosen = found.find((c) => c.shortcut === typed.shortcut) || (found.length === 1 ? found[0] : null);
  if (!chosen) return null;
  return insertAt(text, typed.start, caret, commentText(chosen));
}

/** `words` put in place of text[start, end), with a space between it and a word before it. */
export function insertAt(text, start, end, words) {
  const before = text.slice(0, start);
  const spaced = before && !/\s$/.test(before) ? `${before} ` : before;
  const result = spaced + words + text.slice(end);
  return { text: result, caret: spaced.length + words.length };
}

/** A stamp placed with a click, in points: a fifth of the sheet's short side wide (readable on
 * an ARCH D sheet as on a letter page), three times as wide as it is tall, inside the sheet. */
export function stampSize(page) {
  const short = Math.min(page.width, page.height);
  const width = Math.min(Math.max(short * 0.2, 150), page.width);
  return [width, Math.min(width / 3, page.height)];
}
