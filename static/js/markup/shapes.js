// How each kind of markup is drawn: one SVG group in page points. Outlines keep a minimum
// width on screen (see markup.css); pins, measurement labels and stamps' small print are drawn
// at a constant screen size. Every group ends with invisible "hit" shapes that take the clicks.

import { bounds, calloutBox, centroid, leaderStart, readableAngle } from "./geometry.js";
import { measurementText } from "./scale.js";
import { pointsAttribute, screenGroup, svg } from "./svg.js";
import { DEFAULT_FONT_SIZE } from "./text_fit.js";

const DEFAULT_WIDTH = 2;

/** The SVG group of `annotation`; `context`: {color, scale (the sheet's drawing scale or null)}. */
export function drawMarkup(annotation, context) {
  const style = annotation.style || {};
  const width = style.width ?? DEFAULT_WIDTH;
  const classes = ["markup", `markup-${annotation.kind}`];
  if (annotation.status === "resolved") classes.push("is-resolved");
  if (annotation.pending) classes.push("is-pending");
  const group = svg("g", {
    class: classes.join(" "),
    "data-id": annotation.id,
    "data-kind": annotation.kind,
    "data-no-pan": "",
    style: `--c: ${context.color}; --w: ${width};${style.opacity !== undefined ? ` opacity: ${style.opacity};` : ""}`,
  });
  const draw = DRAWERS[annotation.kind] || DRAWERS.polyline;
  group.append(...draw(annotation.geometry.points, { ...context, style, width, annotation }).filter(Boolean));
  return group;
}

function line(a, b, className = "mk-line") {
  return svg("line", { class: className, x1: a[0], y1: a[1], x2: b[0], y2: b[1] });
}

function rect(box, className, extra = {}) {
  return svg("rect", { class: className, x: box.x, y: box.y, width: box.width, height: box.height, ...extra });
}

function hitLine(points, closed = false) {
  return svg(closed ? "polygon" : "polyline", { class: "mk-hit", points: pointsAttribute(points) });
}

function boxOutline(box) {
  const { x, y, x1, y1 } = box;
  return [[x, y], [x1, y], [x1, y1], [x, y1]];
}

function arrowHead(from, tip, width) {
  const length = 8 + width * 3;
  const angle = Math.atan2(tip[1] - from[1], tip[0] - from[0]);
  const side = (turn) => [tip[0] - length * Math.cos(angle + turn), tip[1] - length * Math.sin(angle + turn)];
  return svg("polygon", { class: "mk-head", points: pointsAttribute([tip, side(0.42), side(-0.42)]) });
}

const SCALLOP_RADIUS = 0.62; // of a scallop's chord: a shallow arc, like a hand-drawn cloud

function scallopSize(box) {
  return Math.min(36, Math.max(6, Math.min(box.width, box.height) / 5));
}

/** How far a cloud's scallops reach outside its box. */
export function cloudBulge(box) {
  const chord = scallopSize(box);
  const radius = chord * SCALLOP_RADIUS;
  return radius - Math.sqrt(radius ** 2 - (chord / 2) ** 2);
}

/** Scallops along the box's edges, bulging outwards, clockwise from the top-left corner. */
export function cloudPath(box) {
  const size = scallopSize(box);
  const corners = boxOutline(box);
  let path = `M${corners[0][0]},${corners[0][1]}`;
  for (let side = 0; side < 4; side++) {
    const [ax, ay] = corners[side];
    const [bx, by] = corners[(side + 1) % 4];
    const count = Math.max(1, Math.round(Math.hypot(bx - ax, by - ay) / size));
    const radius = (Math.hypot(bx - ax, by - ay) / count) * SCALLOP_RADIUS;
    for (let i = 1; i <= count; i++) {
      const x = ax + ((bx - ax) * i) / count;
      const y = ay + ((by - ay) * i) / count;
      path += ` A${radius.toFixed(2)},${radius.toFixed(2)} 0 0 1 ${x.toFixed(2)},${y.toFixed(2)}`;
    }
  }
  return `${path} Z`;
}

function textBlock(box, text, { style, color, className = "mk-text" }) {
  const size = style.font_size ?? DEFAULT_FONT_SIZE;
  const content = document.createElementNS("http://www.w3.org/1999/xhtml", "div");
  content.className = className;
  content.style.fontSize = `${size}px`;
  content.style.color = color;
  content.textContent = text;
  const frame = { x: box.x, y: box.y, width: Math.max(box.width, 1), height: Math.max(box.height, 1), class: "mk-text-frame" };
  return svg("foreignObject", frame, [content]);
}

function label(at, text, { rotate = 0, muted = false, above = false } = {}) {
  const t = svg("text", {
    class: `mk-label${muted ? " is-muted" : ""}`,
    x: 0,
    y: above ? -7 : 0,
    "text-anchor": "middle",
    "dominant-baseline": above ? "auto" : "central",
  });
  t.textContent = text;
  return screenGroup(at[0], at[1], [t], { rotate, className: "mk-label-group" });
}

function tick(at, toward) {
  const angle = readableAngle(at, toward); // the tick, upright in its group, crosses the line
  return screenGroup(at[0], at[1], [svg("line", { class: "mk-tick", x1: 0, y1: -7, x2: 0, y2: 7 })], { rotate: angle });
}

const DRAWERS = {
  pin(points) {
    const [x, y] = points[0];
    const body = "M0,0 C-2.5,-7 -9,-10.5 -9,-17.5 A9,9 0 1 1 9,-17.5 C9,-10.5 2.5,-7 0,0 Z";
    return [
      screenGroup(x, y, [
        svg("path", { class: "mk-pin", d: body }),
        svg("circle", { class: "mk-pin-dot", cx: 0, cy: -17.5, r: 3.6 }),
        svg("path", { class: "mk-hit-area", d: body }),
      ]),
    ];
  },
  rectangle(points) {
    const box = bounds(points);
    return [rect(box, "mk-line"), hitLine(boxOutline(box), true)];
  },
  ellipse(points) {
    const b = bounds(points);
    const shape = { cx: b.x + b.width / 2, cy: b.y + b.height / 2, rx: b.width / 2, ry: b.height / 2 };
    return [svg("ellipse", { class: "mk-line", ...shape }), svg("ellipse", { class: "mk-hit", ...shape })];
  },
  cloud(points) {
    const d = cloudPath(bounds(points));
    return [svg("path", { class: "mk-line", d }), svg("path", { class: "mk-hit", d })];
  },
  highlight(points) {
    const box = bounds(points);
    return [rect(box, "mk-highlight"), rect(box, "mk-hit-area")];
  },
  text(points, context) {
    const box = bounds(points);
    return [rect(box, "mk-box"), textBlock(box, context.annotation.text, context), rect(box, "mk-hit-area")];
  },
  callout(points, context) {
    const box = calloutBox(points);
    const tip = points[2];
    const start = leaderStart(box, tip);
    return [
      line(start, tip),
      arrowHead(start, tip, context.width),
      rect(box, "mk-box"),
      textBlock(box, context.annotation.text, context),
      hitLine([start, tip]),
      rect(box, "mk-hit-area"),
    ];
  },
  stamp(points, context) {
    const box = bounds(points.length === 2 ? points : [points[0], [points[0][0] + 160, points[0][1] + 48]]);
    const words = (context.annotation.text || "STAMP").toUpperCase();
    const size = Math.max(4, Math.min(box.height * 0.42, (box.width * 0.86) / (Math.max(words.length, 4) * 0.66)));
    const inset = Math.min(box.width, box.height) * 0.07;
    const radius = Math.min(box.width, box.height) * 0.1;
    const inner = { x: box.x + inset, y: box.y + inset, width: box.width - 2 * inset, height: box.height - 2 * inset };
    const centre = box.x + box.width / 2;
    const main = svg("text", {
      class: "mk-stamp-text",
      x: centre,
      y: box.y + box.height * 0.47,
      "font-size": size.toFixed(2),
      "text-anchor": "middle",
      "dominant-baseline": "central",
    });
    main.textContent = words;
    const annotation = context.annotation;
    const date = (annotation.created_at || "").slice(0, 10);
    const small = svg("text", {
      class: "mk-stamp-small",
      x: centre,
      y: box.y + box.height - inset * 1.6,
      "font-size": (size * 0.3).toFixed(2),
      "text-anchor": "middle",
    });
    small.textContent = [annotation.department?.toUpperCase(), annotation.author, date].filter(Boolean).join(" · ");
    return [
      rect(box, "mk-stamp-frame", { rx: radius }),
      rect(inner, "mk-stamp-inner", { rx: radius * 0.6 }),
      main,
      box.height > size * 1.9 ? small : null,
      rect(box, "mk-hit-area"),
    ];
  },
  line(points) {
    return [line(points[0], points[1]), hitLine(points)];
  },
  arrow(points, context) {
    return [line(points[0], points[1]), arrowHead(points[0], points[1], context.width), hitLine(points)];
  },
  polyline(points) {
    return [svg("polyline", { class: "mk-line", points: pointsAttribute(points) }), hitLine(points)];
  },
  freehand(points) {
    return [svg("polyline", { class: "mk-line mk-freehand", points: pointsAttribute(points) }), hitLine(points)];
  },
  polygon(points, context) {
    const fill = context.style.fill;
    const filled = fill ? `fill: ${fill}; fill-opacity: 0.25` : null;
    const shape = svg("polygon", { class: "mk-line", points: pointsAttribute(points), style: filled });
    return [shape, fill ? svg("polygon", { class: "mk-hit-area", points: pointsAttribute(points) }) : hitLine(points, true)];
  },
  measure_length(points, context) {
    const [a, b] = points;
    const text = measurementText(context.annotation, context.scale);
    const middle = [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2];
    return [
      line(a, b, "mk-line mk-measure"),
      tick(a, b),
      tick(b, a),
      label(middle, text, { rotate: readableAngle(a, b), muted: !context.scale, above: true }),
      hitLine(points),
    ];
  },
  measure_area(points, context) {
    const text = measurementText(context.annotation, context.scale);
    return [
      svg("polygon", { class: "mk-line mk-area", points: pointsAttribute(points) }),
      label(centroid(points), text, { muted: !context.scale }),
      hitLine(points, true),
    ];
  },
};
