// node --test tests/js: placing found words on a sheet, and stepping from hit to hit across sheets.
import assert from "node:assert/strict";
import { test } from "node:test";

import { bounds, matchQuads, stepHit } from "../../static/js/viewer/find_boxes.js";

const item = (str, x, y, width, size = 10, transform = null) => ({
  str,
  width,
  height: size,
  transform: transform || [size, 0, 0, size, x, y],
});

test("a word is placed on its part of the text item, case-insensitively", () => {
  const quads = matchQuads([item("FIRE RATED DOOR", 100, 500, 150)], ["door"]);
  assert.equal(quads.length, 1);
  const box = bounds(quads[0].quad);
  assert.equal(box.x, 100 + 150 * (11 / 15));
  assert.equal(box.width, 150 * (4 / 15));
  assert.equal(box.y, 498); // a fifth of the size below the baseline
  assert.equal(box.height, 12);
});

test("every occurrence of every term is found, items without text skipped", () => {
  const items = [item("door to door", 0, 0, 120), item("", 0, 20, 0), item("stair", 0, 40, 50)];
  assert.deepEqual(
    matchQuads(items, ["door", "stair"]).map((m) => m.term),
    ["door", "door", "stair"],
  );
});

test("rotated text is placed along its direction", () => {
  const upwards = item("EXIT", 200, 100, 40, 10, [0, 10, -10, 0, 200, 100]);
  const box = bounds(matchQuads([upwards], ["exit"])[0].quad);
  assert.ok(Math.abs(box.y - 100) < 1e-9 && Math.abs(box.height - 40) < 1e-9);
  assert.ok(Math.abs(box.x - 190) < 1e-9 && Math.abs(box.width - 12) < 1e-9);
});

test("stepping goes through a sheet's hits, then to the next sheet, and wraps around", () => {
  const sheets = [{ page: 2 }, { page: 5 }];
  assert.deepEqual(stepHit(sheets, null, 1), { page: 2, index: 0 });
  assert.deepEqual(stepHit(sheets, { page: 2, index: 0, count: 2 }, 1), { page: 2, index: 1 });
  assert.deepEqual(stepHit(sheets, { page: 2, index: 1, count: 2 }, 1), { page: 5, index: 0 });
  assert.deepEqual(stepHit(sheets, { page: 5, index: 0, count: 1 }, 1), { page: 2, index: 0 });
  assert.deepEqual(stepHit(sheets, { page: 5, index: 0, count: 3 }, -1), { page: 2, index: -1 });
  assert.deepEqual(stepHit(sheets, { page: 2, index: 0, count: 0 }, 1), { page: 5, index: 0 });
});
