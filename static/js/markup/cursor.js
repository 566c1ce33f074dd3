// Marking up with the keyboard alone, its pure parts (the viewer and the node tests share them):
// the cursor on the sheet moved by the arrow keys, what Enter does while drawing, nudging the
// selected markup, and the order Tab goes through a sheet's markups in.

import { CHAIN_KINDS } from "./kinds.js";
import { bounds, clampToPage, round, translate } from "./geometry.js";

/** One press of an arrow moves this many screen pixels, with Shift ten times as far. */
export const STEP_PX = 8;
export const BIG_STEP = 10;

const ARROWS = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };

/** The move, in page points, an arrow key stands for at `scale` (screen px per point); null for other keys. */
export function arrowStep(key, { big = false, scale = 1 } = {}) {
  const direction = ARROWS[key];
  if (!direction) return null;
  const step = (STEP_PX * (big ? BIG_STEP : 1)) / scale;
  return [round(direction[0] * step), round(direction[1] * step)];
}

/** The cursor moved by an arrow key, kept on the sheet. */
export function moveCursor(point, key, { big, scale, page }) {
  const step = arrowStep(key, { big, scale });
  return step ? clampToPage([point[0] + step[0], point[1] + step[1]], page) : point;
}

/** A markup's points moved by an arrow key, the shape kept whole on the sheet. */
export function nudge(points, key, { big, scale, page }) {
  const step = arrowStep(key, { big, scale });
  return step ? translate(points, step[0], step[1], page) : points;
}

/**
 * What Enter at the cursor does, given the tool's kind and the draft being drawn ({kind, points,
 * phase} of DrawingTools, or null):
 *   "place"  a pin, at once;
 *   "press"  start a drag (the start of a box, line, arrow, pen stroke…);
 *   "release" end the drag there (at the same spot: a click, which places a stamp at its size);
 *   "point"  add a point to a chain (polyline, polygon, area);
 *   "finish" end the chain (Enter again at the point just placed, as a double click does);
 *   "leader" put a callout's leader there, which ends it.
 */
export function enterAction(kind, draft, cursor) {
  if (!draft) {
    if (kind === "pin") return "place";
    return CHAIN_KINDS.has(kind) ? "point" : "press";
  }
  if (draft.phase === "drag") return "release";
  if (draft.phase === "leader") return "leader";
  if (draft.phase === "chain") {
    const placed = draft.points.at(-2);
    return placed && placed[0] === cursor[0] && placed[1] === cursor[1] ? "finish" : "point";
  }
  return null;
}

/** A sheet's markups in reading order: top to bottom, then left to right. */
export function readingOrder(annotations) {
  const place = (a) => bounds(a.geometry.points);
  return [...annotations].sort((a, b) => {
    const pa = place(a);
    const pb = place(b);
    return pa.y - pb.y || pa.x - pb.x || String(a.id).localeCompare(String(b.id));
  });
}

/** The id Tab (step 1) or Shift+Tab (step -1) selects after `current`; null past either end. */
export function stepThrough(ids, current, step) {
  const at = ids.indexOf(current);
  const next = at === -1 ? (step > 0 ? 0 : ids.length - 1) : at + step;
  return next >= 0 && next < ids.length ? ids[next] : null;
}

/** Where a point is, in words a screen reader says: "40% across, 25% down". */
export function describePoint(point, page) {
  const across = Math.round((point[0] / page.width) * 100);
  const down = Math.round((point[1] / page.height) * 100);
  return `${across}% across, ${down}% down`;
}
