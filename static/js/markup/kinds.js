// What each kind of markup is called and how it is drawn: by two opposite corners, by a chain
// of points, or by a single point.

export const KIND_LABELS = {
  pin: "Pin",
  rectangle: "Rectangle",
  ellipse: "Ellipse",
  cloud: "Revision cloud",
  text: "Text box",
  highlight: "Highlight",
  arrow: "Arrow",
  line: "Line",
  measure_length: "Length",
  callout: "Callout",
  polyline: "Polyline",
  polygon: "Polygon",
  freehand: "Pen",
  measure_area: "Area",
  stamp: "Stamp",
};

/** Two points, drawn as the box they span. */
export const BOX_KINDS = new Set(["rectangle", "ellipse", "cloud", "text", "highlight", "stamp"]);
/** Two points, drawn as the segment between them. */
export const SEGMENT_KINDS = new Set(["arrow", "line", "measure_length"]);
/** Any number of points, placed one click at a time. */
export const CHAIN_KINDS = new Set(["polyline", "polygon", "measure_area"]);
/** Kinds whose text is drawn on the sheet (for the others it is a note in the list). */
export const TEXT_KINDS = new Set(["text", "callout", "stamp"]);

export function kindLabel(kind) {
  return KIND_LABELS[kind] || kind;
}

/** The words that name a markup in a list: its text, else its kind. */
export function markupTitle(annotation) {
  const text = (annotation.text || "").trim().split("\n")[0];
  return text || kindLabel(annotation.kind);
}
