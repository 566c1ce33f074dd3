// Where words sit on a sheet, from PDF.js text content: each match as a quadrilateral in PDF
// user space, placed along its text item in proportion to its characters (a text item is one
// run of text in one font, so this is close; words split across items are not placed).

/**
 * items: PDF.js TextItems ({str, transform: [a, b, c, d, e, f], width, height});
 * terms: lower-case words or phrases. Returns [{term, quad: [[x, y] × 4]}] in reading order of the items.
 */
export function matchQuads(items, terms) {
  const found = [];
  for (const item of items) {
    if (!item.str || !item.width) continue;
    const lower = item.str.toLowerCase();
    for (const term of terms) {
      for (let at = lower.indexOf(term); at >= 0; at = lower.indexOf(term, at + term.length)) {
        found.push({ term, at, item, quad: quad(item, at / lower.length, (at + term.length) / lower.length) });
      }
    }
  }
  return found.map(({ term, quad }) => ({ term, quad }));
}

/** The part of the item's box between fractions `from` and `to` of its length. */
function quad(item, from, to) {
  const [a, b, c, d, e, f] = item.transform;
  const along = Math.hypot(a, b) || 1;
  const dir = [a / along, b / along];
  const up = Math.hypot(c, d) ? [c / Math.hypot(c, d), d / Math.hypot(c, d)] : [-dir[1], dir[0]];
  const height = item.height || Math.hypot(c, d);
  const descent = height * 0.2;
  const point = (t, h) => [e + dir[0] * item.width * t + up[0] * h, f + dir[1] * item.width * t + up[1] * h];
  return [point(from, -descent), point(to, -descent), point(to, height), point(from, height)];
}

/** The bounding box {x, y, width, height} of points. */
export function bounds(points) {
  const xs = points.map((p) => p[0]);
  const ys = points.map((p) => p[1]);
  const x = Math.min(...xs);
  const y = Math.min(...ys);
  return { x, y, width: Math.max(...xs) - x, height: Math.max(...ys) - y };
}

/** The hit after (step 1) or before (step -1) `at` = {sheet, index}, over sheets' hit counts in order. */
export function stepHit(sheets, at, step) {
  if (!sheets.length) return null;
  let sheet = Math.max(0, sheets.findIndex((s) => s.page === at?.page));
  let index = at ? at.index + step : 0;
  if (at && sheets[sheet].page === at.page && index >= 0 && index < Math.max(1, at.count)) return { page: at.page, index };
  if (at) sheet = (sheet + step + sheets.length) % sheets.length;
  return { page: sheets[sheet].page, index: step < 0 && at ? -1 : 0 }; // -1: the sheet's last hit, once placed
}
