// node --test tests/js: the viewer's pure navigation pieces — wheel and pinch zoom, previous view.
import assert from "node:assert/strict";
import { test } from "node:test";

import { MAX_ZOOM, MIN_ZOOM, pinchZoom, wheelZoomFactor } from "../../static/js/viewer/geometry.js";
import { ViewHistory } from "../../static/js/viewer/view_history.js";

test("a wheel turn towards the user zooms out, away zooms in, by the same factor either way", () => {
  const zoomIn = wheelZoomFactor(-100, 0);
  const zoomOut = wheelZoomFactor(100, 0);
  assert.ok(zoomIn > 1 && zoomOut < 1);
  assert.ok(Math.abs(zoomIn * zoomOut - 1) < 1e-12);
  assert.equal(wheelZoomFactor(3, 1), wheelZoomFactor(120, 0)); // three lines are 120 pixels
  assert.equal(wheelZoomFactor(-5000, 0), wheelZoomFactor(-300, 0)); // one fling is bounded
});

test("pinching follows the fingers' spread within the zoom limits", () => {
  assert.equal(pinchZoom(100, 200, 400), 200);
  assert.equal(pinchZoom(100, 200, 100), 50);
  assert.equal(pinchZoom(400, 100, 1000), MAX_ZOOM);
  assert.equal(pinchZoom(20, 300, 10), MIN_ZOOM);
  assert.equal(pinchZoom(100, 0, 50), 100); // fingers that started together: nothing to follow
});

const at = (page, zoom, x = 0, y = 0, fitMode = null) => ({ page, zoom, fitMode, center: { x, y } });

test("previous view steps back through the jumps, last first, and then has nothing", () => {
  const views = new ViewHistory();
  views.push(at(1, 50, 0, 0, "page"));
  views.push(at(4, 200, 300, 400));
  assert.deepEqual(views.pop(), at(4, 200, 300, 400));
  assert.deepEqual(views.pop(), at(1, 50, 0, 0, "page"));
  assert.equal(views.pop(), null);
});

test("the same view twice in a row is kept once, and only the latest views are kept", () => {
  const views = new ViewHistory(3);
  views.push(at(2, 100, 10, 10));
  views.push(at(2, 100.4, 10.5, 10));
  assert.equal(views.size, 1);
  for (let page = 3; page <= 7; page += 1) views.push(at(page, 100));
  assert.equal(views.size, 3);
  assert.equal(views.pop().page, 7);
  views.push(null); // no sheet shown yet
  assert.equal(views.size, 2);
});
