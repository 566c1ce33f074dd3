// Keys of the markup tools. Keys typed into fields are left alone; the viewer's own keys
// (sheets, zoom) are not used here.

const TOOL_KEYS = {
  v: "select",
  p: "pin",
  t: "text",
  q: "callout",
  r: "rectangle",
  e: "ellipse",
  c: "cloud",
  h: "highlight",
  l: "line",
  a: "arrow",
  n: "polyline",
  g: "polygon",
  f: "freehand",
  m: "measure_length",
  M: "measure_area",
  s: "stamp",
};

export function bindMarkupKeys({ session, store, tools, selection, history, thread, editor, list }) {
  document.addEventListener("keydown", (event) => {
    if (event.defaultPrevented || event.altKey) return;
    if (event.target.closest?.("input, textarea, select, [contenteditable], dialog")) return;
    if (editor.editing) return;
    const command = event.ctrlKey || event.metaKey ? withModifier(event) : plain(event);
    if (!command) return;
    event.preventDefault();
    command();
  });

  function withModifier(event) {
    const key = event.key.toLowerCase();
    if (key === "z" && !event.shiftKey) return () => history.undo();
    if ((key === "z" && event.shiftKey) || key === "y") return () => history.redo();
    return null;
  }

  function plain(event) {
    if (event.ctrlKey || event.metaKey) return null;
    switch (event.key) {
      case "Escape":
        return () => {
          if (selection.cancelDrag()) return;
          if (tools.drawing) return tools.cancel();
          if (session.tool !== "select") return session.setTool("select");
          session.select(null);
        };
      case "Enter":
        return tools.drawing ? () => tools.finishChain() : null;
      case "z":
        return session.selectedId !== null ? () => list.reveal(store.get(session.selectedId)) : null;
      case "Backspace":
      case "Delete":
        if (tools.drawing) return () => tools.undoPoint();
        return session.selectedId !== null ? () => thread.confirmDelete() : null;
      default: {
        const tool = TOOL_KEYS[event.key.length === 1 && !event.shiftKey ? event.key.toLowerCase() : event.key];
        return tool && (tool === "select" || session.canAnnotate) ? () => session.setTool(tool) : null;
      }
    }
  }
}
