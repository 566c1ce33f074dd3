// Pure pieces of comparing two versions of a sheet: how a view of one sheet maps onto the other
// (the same spot of the drawing, the same share of it in view, whatever the two sheets' sizes),
// and Bluebeam's overlay colours — old in red, new in blue, what both have in grey.

/** Ink colours of the overlay, as [r, g, b]. */
export const OVERLAY_COLOURS = {
  old: [220, 0, 0], // only on the previous version's sheet
  new: [0, 70, 230], // only on this version's
  both: [128, 128, 128], // on both: unchanged
};

/**
 * The view of sheet `to` matching `view` ({zoom, center}: percent, page points) of sheet `from`
 * (both {width, height} in points as displayed): the centre at the same place relative to the
 * sheet, the zoom showing as much of the drawing.
 * @param {{width: number, height: number}} from
 * @param {{width: number, height: number}} to
 * @param {{zoom: number, center: {x: number, y: number}}} view
 */
export function mapView(from, to, view) {
  const sx = to.width / from.width;
  const sy = to.height / from.height;
  return {
    zoom: view.zoom / Math.sqrt(sx * sy),
    center: { x: view.center.x * sx, y: view.center.y * sy },
  };
}

/**
 * A canvas transform [a, b, c, d, e, f] followed by a stretch of the page by (sx, sy): what draws
 * the previous sheet onto this sheet's canvas when their sizes differ.
 * @param {number[]} transform
 * @param {number} sx
 * @param {number} sy
 */
export function stretched(transform, sx, sy) {
  const [a, b, c, d, e, f] = transform;
  return [a * sx, b * sx, c * sy, d * sy, e, f];
}

/**
 * The overlay's colour of one pixel from its colour on the old sheet and on the new one
 * ([r, g, b] each), by `compositeOverlay`'s rule.
 * @param {number[]} old
 * @param {number[]} now
 * @returns {number[]}
 */
export function overlayPixel(old, now) {
  const out = compositeOverlay(Uint8ClampedArray.of(...old, 255), Uint8ClampedArray.of(...now, 255), new Uint8ClampedArray(4));
  return [...out.slice(0, 3)];
}

/**
 * Composite two RGBA pixel buffers of the same size (the old sheet's and the new one's, drawn at
 * the same scale) into `out`, which may be `now`. Each pixel's ink (how dark it is, 0 to 1) on
 * either sheet: what both share is grey, what only the old has red, only the new blue, blended
 * as a print would, so that anti-aliased edges stay smooth.
 * @param {Uint8ClampedArray} old
 * @param {Uint8ClampedArray} now
 * @param {Uint8ClampedArray} out
 */
export function compositeOverlay(old, now, out) {
  const table = weights();
  for (let i = 0; i < out.length; i += 4) {
    const a = 1 - (0.299 * old[i] + 0.587 * old[i + 1] + 0.114 * old[i + 2]) / 255;
    const b = 1 - (0.299 * now[i] + 0.587 * now[i + 1] + 0.114 * now[i + 2]) / 255;
    const both = a < b ? a : b;
    const onlyOld = a - both;
    const onlyNew = b - both;
    out[i] = 255 - both * table.both[0] - onlyOld * table.old[0] - onlyNew * table.new[0];
    out[i + 1] = 255 - both * table.both[1] - onlyOld * table.old[1] - onlyNew * table.new[1];
    out[i + 2] = 255 - both * table.both[2] - onlyOld * table.old[2] - onlyNew * table.new[2];
    out[i + 3] = 255;
  }
  return out;
}

/** How much each ink takes away from white, channel by channel. */
function weights() {
  const away = (colour) => colour.map((value) => 255 - value);
  return { both: away(OVERLAY_COLOURS.both), old: away(OVERLAY_COLOURS.old), new: away(OVERLAY_COLOURS.new) };
}
