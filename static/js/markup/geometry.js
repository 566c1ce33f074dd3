// Pure geometry of markups, in page points (top-left origin, y downwards).

export function bounds(points) {
  const xs = points.map((p) => p[0]);
  const ys = points.map((p) => p[1]);
  const x0 = Math.min(...xs);
  const y0 = Math.min(...ys);
  const x1 = Math.max(...xs);
  const y1 = Math.max(...ys);
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0, x1, y1 };
}

/** The box a callout's text sits in: its first two points. */
export function calloutBox(points) {
  return bounds(points.slice(0, 2));
}

/** Where a callout's leader leaves its box: the box's point nearest the tip. */
export function leaderStart(box, tip) {
  return [clamp(tip[0], box.x, box.x1), clamp(tip[1], box.y, box.y1)];
}

export function clamp(value, low, high) {
  return Math.min(high, Math.max(low, value));
}

export function distance(a, b) {
  return Math.hypot(b[0] - a[0], b[1] - a[1]);
}

export function pathLength(points) {
  let total = 0;
  for (let i = 1; i < points.length; i++) total += distance(points[i - 1], points[i]);
  return total;
}

/** The area enclosed by a polygon (shoelace formula), in square points. */
export function polygonArea(points) {
  let twice = 0;
  for (let i = 0; i < points.length; i++) {
    const [x0, y0] = points[i];
    const [x1, y1] = points[(i + 1) % points.length];
    twice += x0 * y1 - x1 * y0;
  }
  return Math.abs(twice) / 2;
}

/** A point well inside a polygon for its label: the area centroid, or the mean when degenerate. */
export function centroid(points) {
  let area = 0;
  let cx = 0;
  let cy = 0;
  for (let i = 0; i < points.length; i++) {
    const [x0, y0] = points[i];
    const [x1, y1] = points[(i + 1) % points.length];
    const cross = x0 * y1 - x1 * y0;
    area += cross;
    cx += (x0 + x1) * cross;
    cy += (y0 + y1) * cross;
  }
  if (Math.abs(area) < 1e-6) {
    const n = points.length;
    return [points.reduce((s, p) => s + p[0], 0) / n, points.reduce((s, p) => s + p[1], 0) / n];
  }
  return [cx / (3 * area), cy / (3 * area)];
}

/** Every point moved by (dx, dy), kept on the page as a whole (the shape does not deform). */
export function translate(points, dx, dy, page) {
  const box = bounds(points);
  const sx = clamp(dx, -box.x, page.width - box.x1);
  const sy = clamp(dy, -box.y, page.height - box.y1);
  return points.map(([x, y]) => [round(x + sx), round(y + sy)]);
}

export function clampToPage(point, page) {
  return [round(clamp(point[0], 0, page.width)), round(clamp(point[1], 0, page.height))];
}

/** Hundredths of a point: plenty, and keeps messages short. */
export function round(value) {
  return Math.round(value * 100) / 100;
}

/** The angle of a segment in degrees, turned so that text along it never reads upside down. */
export function readableAngle(a, b) {
  let angle = (Math.atan2(b[1] - a[1], b[0] - a[0]) * 180) / Math.PI;
  if (angle > 90) angle -= 180;
  if (angle < -90) angle += 180;
  return angle;
}

/** Drop points closer than `tolerance` to the last one kept (freehand strokes). */
export function thin(points, tolerance) {
  const kept = [points[0]];
  for (const point of points.slice(1)) if (distance(kept.at(-1), point) >= tolerance) kept.push(point);
  if (kept.length === 1 && points.length > 1) kept.push(points.at(-1));
  return kept;
}

/**
 * The handles that reshape a markup: for a box, its four corners (dragging one moves the
 * opposite-corner pair); otherwise one handle per point.
 */
export function handlesOf(kind, points, boxKinds) {
  if (boxKinds.has(kind) && points.length === 2) {
    const b = bounds(points);
    return [
      { x: b.x, y: b.y, corner: "nw" },
      { x: b.x1, y: b.y, corner: "ne" },
      { x: b.x1, y: b.y1, corner: "se" },
      { x: b.x, y: b.y1, corner: "sw" },
    ];
  }
  return points.map(([x, y], index) => ({ x, y, index }));
}

/** The points after dragging `handle` to `to`. */
export function reshape(points, handle, to) {
  if (handle.corner) {
    const b = bounds(points);
    const fixed = { nw: [b.x1, b.y1], ne: [b.x, b.y1], se: [b.x, b.y], sw: [b.x1, b.y] }[handle.corner];
    return [fixed, to];
  }
  return points.map((point, index) => (index === handle.index ? to : point));
}
