// node --test tests/js: marking up with the keyboard alone (static/js/markup/cursor.js).
import assert from "node:assert/strict";
import { test } from "node:test";

import {
  arrowStep, describePoint, enterAction, moveCursor, nudge, readingOrder, stepThrough,
} from "../../static/js/markup/cursor.js";

const PAGE = { width: 1000, height: 500 };

test("an arrow steps 8 screen pixels, in points at the zoom; Shift ten times as far", () => {
  assert.deepEqual(arrowStep("ArrowRight", { scale: 2 }), [4, 0]);
  assert.deepEqual(arrowStep("ArrowUp", { scale: 0.5 }), [0, -16]);
  assert.deepEqual(arrowStep("ArrowLeft", { scale: 1, big: true }), [-80, 0]);
  assert.equal(arrowStep("Enter", { scale: 1 }), null);
});

test("the cursor stays on the sheet", () => {
  assert.deepEqual(moveCursor([100, 100], "ArrowDown", { scale: 1, page: PAGE }), [100, 108]);
  assert.deepEqual(moveCursor([995, 10], "ArrowRight", { big: true, scale: 1, page: PAGE }), [1000, 10]);
  assert.deepEqual(moveCursor([5, 3], "ArrowUp", { scale: 1, page: PAGE }), [5, 0]);
  assert.deepEqual(moveCursor([5, 3], "a", { scale: 1, page: PAGE }), [5, 3]);
});

test("a nudged markup moves whole and stays whole on the sheet", () => {
  const box = [[10, 10], [110, 60]];
  assert.deepEqual(nudge(box, "ArrowRight", { scale: 1, page: PAGE }), [[18, 10], [118, 60]]);
  assert.deepEqual(nudge(box, "ArrowUp", { big: true, scale: 1, page: PAGE }), [[10, 0], [110, 50]], "stopped at the top edge, not squashed");
});

test("Enter presses, releases, adds chain points and ends chains as the pointer would", () => {
  assert.equal(enterAction("pin", null, [1, 1]), "place");
  assert.equal(enterAction("rectangle", null, [1, 1]), "press");
  assert.equal(enterAction("freehand", null, [1, 1]), "press");
  assert.equal(enterAction("polygon", null, [1, 1]), "point");
  assert.equal(enterAction("rectangle", { phase: "drag", points: [[1, 1], [5, 5]] }, [5, 5]), "release");
  assert.equal(enterAction("callout", { phase: "leader", points: [[1, 1], [5, 5], [0, 9]] }, [0, 9]), "leader");
  const chain = { phase: "chain", points: [[1, 1], [9, 9], [9, 9]] };
  assert.equal(enterAction("polyline", chain, [9, 9]), "finish", "Enter again on the point just placed ends it");
  assert.equal(enterAction("polyline", chain, [20, 9]), "point");
  assert.equal(enterAction("text", { phase: "text", points: [] }, [0, 0]), null, "nothing while its text is typed");
});

test("Tab goes through a sheet's markups top to bottom, then left to right, and out past the ends", () => {
  const at = (id, x, y) => ({ id, geometry: { points: [[x, y], [x + 10, y + 10]] } });
  const order = readingOrder([at(1, 500, 300), at(2, 900, 20), at(3, 100, 20), at(4, 50, 400)]).map((a) => a.id);
  assert.deepEqual(order, [3, 2, 1, 4]);
  assert.equal(stepThrough(order, null, 1), 3);
  assert.equal(stepThrough(order, null, -1), 4);
  assert.equal(stepThrough(order, 2, 1), 1);
  assert.equal(stepThrough(order, 2, -1), 3);
  assert.equal(stepThrough(order, 4, 1), null);
  assert.equal(stepThrough(order, 3, -1), null);
  assert.equal(stepThrough([], null, 1), null);
});

test("a point is told as a share of the sheet", () => {
  assert.equal(describePoint([250, 250], PAGE), "25% across, 50% down");
});
