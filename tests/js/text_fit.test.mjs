// node --test tests/js: text boxes grow to hold their text, at a font size in points.
import assert from "node:assert/strict";
import { test } from "node:test";

import { fittedBox, textBox, withTextBox } from "../../static/js/markup/text_fit.js";

// A stand-in for the browser's layout: 0.5 em a character, lines of 1.3 em, no padding.
const measure = (text, width, fontSize) => {
  const perLine = Math.max(1, Math.floor(width / (fontSize * 0.5)));
  return Math.ceil(text.length / perLine) * fontSize * 1.3;
};

test("a box drawn too small for its text grows down to hold it and is never narrower than six ems", () => {
  const tiny = { x: 100, y: 50, width: 7.5, height: 4 }; // dragged at 800%: a few points
  const box = fittedBox(tiny, "Dimension missing at grid 3", 12, measure);
  assert.deepEqual([box.x, box.y, box.width], [100, 50, 72]);
  assert.equal(box.height, measure("Dimension missing at grid 3", 72, 12));
  assert.ok(box.height > 12 * 1.3 * 2); // more than two lines of it
});

test("a box larger than its text keeps its size, and larger text needs a larger box", () => {
  const roomy = { x: 0, y: 0, width: 400, height: 200 };
  assert.deepEqual(fittedBox(roomy, "OK", 12, measure), roomy);
  const small = fittedBox({ x: 0, y: 0, width: 100, height: 10 }, "Provide a rated corridor", 10, measure);
  const large = fittedBox({ x: 0, y: 0, width: 100, height: 10 }, "Provide a rated corridor", 24, measure);
  assert.ok(large.width > small.width && large.height > small.height);
});

test("a callout's box is its first two points and keeps its leader's tip when it grows", () => {
  const points = [[300, 100], [200, 140], [50, 400]];
  assert.deepEqual(textBox("callout", points), { x: 200, y: 100, width: 100, height: 40, x1: 300, y1: 140 });
  const grown = { x: 200, y: 100, width: 100, height: 90 };
  assert.deepEqual(withTextBox("callout", points, grown), [[200, 100], [300, 190], [50, 400]]);
  assert.deepEqual(withTextBox("text", [[0, 0], [10, 10]], grown), [[200, 100], [300, 190]]);
});
