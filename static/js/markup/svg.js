// Making SVG elements, and groups drawn at a constant size on screen whatever the zoom.

const NS = "http://www.w3.org/2000/svg";

export function svg(tag, attributes = {}, children = []) {
  const element = document.createElementNS(NS, tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== null && value !== undefined && value !== false) element.setAttribute(name, String(value));
  }
  element.append(...children.filter(Boolean));
  return element;
}

/**
 * A group at page point (x, y) whose content is in screen pixels: the sheet's --scale (CSS px
 * per point) is undone, so pins, labels and handles stay readable at every zoom.
 */
export function screenGroup(x, y, children, { rotate = 0, className = null } = {}) {
  const turn = rotate ? ` rotate(${rotate}deg)` : "";
  const transform = `translate(${x}px, ${y}px)${turn} scale(calc(1 / var(--scale, 1)))`;
  return svg("g", { class: className, style: `transform: ${transform}` }, children);
}

export function pointsAttribute(points) {
  return points.map(([x, y]) => `${x},${y}`).join(" ");
}
