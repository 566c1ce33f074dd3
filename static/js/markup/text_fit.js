// Text boxes hold their text. A text or callout box is as wide as drawn (at least a few
// characters) and as tall as its text needs at its font size, measured in page points by laying
// the text out as the sheet draws it (.mk-text) — so it fits the same at every zoom.
import { bounds, calloutBox } from "./geometry.js";

export const FONT_SIZES = [6, 8, 10, 12, 14, 18, 24, 36, 48, 72]; // points on the sheet
export const DEFAULT_FONT_SIZE = 12;
const MIN_WIDTH_EMS = 6;

/** The box `box` grows to (never shrinks from) to hold `text`; measure(text, width, fontSize) → height. */
export function fittedBox(box, text, fontSize, measure) {
  const width = Math.max(box.width, fontSize * MIN_WIDTH_EMS);
  const height = Math.max(box.height, measure(text, width, fontSize));
  return { x: box.x, y: box.y, width, height };
}

/** The box a text markup's text sits in. */
export function textBox(kind, points) {
  return kind === "callout" ? calloutBox(points) : bounds(points);
}

/** The markup's points with its text box replaced by `box` (a callout keeps its leader's tip). */
export function withTextBox(kind, points, box) {
  const corners = [
    [box.x, box.y],
    [box.x + box.width, box.y + box.height],
  ];
  return kind === "callout" ? [...corners, points[2]] : corners;
}

let ruler = null;

/** The height in points of `text` laid out `width` points wide at `fontSize`, as .mk-text draws it. */
export function measureText(text, width, fontSize) {
  if (!ruler) {
    ruler = document.createElement("div");
    ruler.className = "mk-text mk-text-ruler";
    ruler.setAttribute("aria-hidden", "true");
    document.body.append(ruler);
  }
  ruler.style.width = `${width}px`;
  ruler.style.fontSize = `${fontSize}px`;
  ruler.textContent = text || " ";
  return ruler.scrollHeight;
}

/** The points of a text or callout markup once its text box holds `text` at `fontSize`. */
export function fitText(kind, points, text, fontSize) {
  const box = fittedBox(textBox(kind, points), text, fontSize, measureText);
  return withTextBox(kind, points, box);
}
