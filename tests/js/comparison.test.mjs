// node --test tests/js: comparing two versions of a sheet — the view mapping between sheets of
// different sizes, and the overlay's colours (old red, new blue, both grey).
import assert from "node:assert/strict";
import { test } from "node:test";

import { OVERLAY_COLOURS, compositeOverlay, mapView, overlayPixel, stretched } from "../../static/js/viewer/comparison.js";

const ARCH_D = { width: 2592, height: 1728 };
const HALF = { width: 1296, height: 864 };
const BLACK = [0, 0, 0];
const WHITE = [255, 255, 255];

test("sheets of the same size share zoom and centre", () => {
  const view = { zoom: 150, center: { x: 800, y: 400 } };
  assert.deepEqual(mapView(ARCH_D, ARCH_D, view), view);
});

test("on a sheet plotted at half size the same spot is at half the points, at twice the zoom", () => {
  const mapped = mapView(ARCH_D, HALF, { zoom: 100, center: { x: 1000, y: 600 } });
  assert.deepEqual(mapped, { zoom: 200, center: { x: 500, y: 300 } });
  const back = mapView(HALF, ARCH_D, mapped);
  assert.deepEqual(back, { zoom: 100, center: { x: 1000, y: 600 } });
});

test("a sheet stretched in one direction only keeps the spot relative to each side", () => {
  const taller = { width: 2592, height: 3456 };
  const mapped = mapView(ARCH_D, taller, { zoom: 100, center: { x: 1296, y: 864 } });
  assert.deepEqual(mapped.center, { x: 1296, y: 1728 });
  assert.ok(Math.abs(mapped.zoom - 100 / Math.SQRT2) < 1e-9);
});

test("the previous sheet is stretched before the canvas transform", () => {
  assert.deepEqual(stretched([2, 0, 0, 2, -10, -20], 0.5, 1.5), [1, 0, 0, 3, -10, -20]);
  assert.deepEqual(stretched([1, 0, 0, 1, 0, 0], 1, 1), [1, 0, 0, 1, 0, 0]);
});

test("ink on the old sheet only is red, on the new only blue, on both grey, on neither white", () => {
  assert.deepEqual(overlayPixel(BLACK, WHITE), OVERLAY_COLOURS.old);
  assert.deepEqual(overlayPixel(WHITE, BLACK), OVERLAY_COLOURS.new);
  assert.deepEqual(overlayPixel(BLACK, BLACK), OVERLAY_COLOURS.both);
  assert.deepEqual(overlayPixel(WHITE, WHITE), WHITE);
  const [red, green, blue] = OVERLAY_COLOURS.old;
  assert.ok(red > 200 && green < 50 && blue < 50, "old is red");
  assert.ok(OVERLAY_COLOURS.new[2] > 200 && OVERLAY_COLOURS.new[0] < 50, "new is blue");
});

test("coloured linework counts by how dark it is, and a grey edge blends towards white", () => {
  const darkRed = [120, 0, 0];
  const mixed = overlayPixel(darkRed, darkRed);
  assert.equal(new Set(mixed).size, 1, "the same ink on both is a shade of grey");
  assert.ok(mixed[0] > OVERLAY_COLOURS.both[0] && mixed[0] < 255);
  const edge = overlayPixel([192, 192, 192], WHITE);
  assert.ok(edge[0] > edge[2] && edge[1] < edge[0] && edge[0] > OVERLAY_COLOURS.old[0] - 1, "a light red");
  const part = overlayPixel(BLACK, [128, 128, 128]);
  assert.ok(part[0] > part[2], "more ink on the old sheet: redder than blue");
});

test("compositing buffers works pixel by pixel and may write over the new sheet's pixels", () => {
  const old = Uint8ClampedArray.of(...BLACK, 255, ...WHITE, 255, ...BLACK, 255);
  const now = Uint8ClampedArray.of(...WHITE, 255, ...BLACK, 255, ...BLACK, 255);
  const out = compositeOverlay(old, now, now);
  assert.equal(out, now);
  assert.deepEqual([...out], [...OVERLAY_COLOURS.old, 255, ...OVERLAY_COLOURS.new, 255, ...OVERLAY_COLOURS.both, 255]);
});
