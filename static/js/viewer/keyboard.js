// Keyboard navigation of the viewer. Keys typed into form fields are left alone.

/**
 * actions: {prev, next, first, last, zoomIn, zoomOut, fitPage, fitWidth, scroll(dy) → bool, previousView}
 * scroll returns false when the sheet cannot scroll that way, so the arrows then change sheet.
 */
export function bindKeys(target, actions) {
  target.addEventListener("keydown", (event) => {
    if (event.defaultPrevented) return;
    if (event.target.closest?.("input, textarea, select, [contenteditable]")) return;
    const command = event.altKey ? withAlt(event.key) : event.ctrlKey || event.metaKey ? withModifier(event.key) : plain(event.key, actions);
    if (!command) return;
    event.preventDefault();
    command(actions);
  });
}

function plain(key, actions) {
  switch (key) {
    case "PageDown":
    case "ArrowRight":
      return (a) => a.next();
    case "PageUp":
    case "ArrowLeft":
      return (a) => a.prev();
    case "ArrowDown":
      return (a) => a.scroll(1) || a.next();
    case "ArrowUp":
      return (a) => a.scroll(-1) || a.prev();
    case "Home":
      return (a) => a.first();
    case "End":
      return (a) => a.last();
    case "+":
    case "=":
      return (a) => a.zoomIn();
    case "-":
    case "_":
      return (a) => a.zoomOut();
    case "0":
      return (a) => a.fitPage();
    case "w":
    case "W":
      return actions.fitWidth ? (a) => a.fitWidth() : null;
    default:
      return null;
  }
}

/** Alt+← steps back to the previous view (CAD viewers' key), not back in the browser's history. */
function withAlt(key) {
  return key === "ArrowLeft" ? (a) => a.previousView() : null;
}

/** Ctrl/⌘ with +, - and 0 zoom the sheet rather than the whole browser page. */
function withModifier(key) {
  if (key === "+" || key === "=") return (a) => a.zoomIn();
  if (key === "-") return (a) => a.zoomOut();
  if (key === "0") return (a) => a.fitPage();
  return null;
}
