// "Previous view", as CAD viewers have it: where the reviewer was (sheet, zoom, centre) before
// each jump — another sheet, a zoom typed or fitted, a markup zoomed to — to step back through.

const KEPT = 50;

export class ViewHistory {
  constructor(kept = KEPT) {
    this.kept = kept;
    this.views = [];
  }

  /** Keep `view` ({page, zoom, fitMode, center}); the same view twice in a row is kept once. */
  push(view) {
    if (!view) return;
    const last = this.views.at(-1);
    if (last && sameView(last, view)) return;
    this.views.push(view);
    if (this.views.length > this.kept) this.views.shift();
  }

  /** The view before the last jump, taken off the history; null when there is none. */
  pop() {
    return this.views.pop() ?? null;
  }

  get size() {
    return this.views.length;
  }
}

function sameView(a, b) {
  const near = (x, y) => Math.abs(x - y) < 1;
  return (
    a.page === b.page &&
    a.fitMode === b.fitMode &&
    near(a.zoom, b.zoom) &&
    near(a.center.x, b.center.x) &&
    near(a.center.y, b.center.y)
  );
}
