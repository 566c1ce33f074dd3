// Pure geometry of the sheet viewer. Page coordinates are PDF points with the origin at the
// top-left corner of the page as displayed (rotation applied), y growing downwards — the same
// coordinates annotations use. At zoom Z% one point is Z/100 CSS pixels.

export const MIN_ZOOM = 10;
export const MAX_ZOOM = 800;
export const ZOOM_STEPS = [10, 15, 25, 33, 50, 67, 75, 100, 125, 150, 200, 300, 400, 500, 600, 800];

export function clampZoom(zoom) {
  return Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, zoom));
}

/** The next preset zoom above (direction 1) or below (-1) `zoom`. */
export function stepZoom(zoom, direction) {
  const steps = direction > 0 ? ZOOM_STEPS : [...ZOOM_STEPS].reverse();
  const next = steps.find((step) => (direction > 0 ? step > zoom + 0.5 : step < zoom - 0.5));
  return next ?? (direction > 0 ? MAX_ZOOM : MIN_ZOOM);
}

/** The zoom at which a page of `page` points fits `box` CSS pixels (mode "width" or "page"). */
export function fitZoom(page, box, mode, margin) {
  const byWidth = ((box.width - 2 * margin) / page.width) * 100;
  const byHeight = ((box.height - 2 * margin) / page.height) * 100;
  return clampZoom(mode === "width" ? byWidth : Math.min(byWidth, byHeight));
}

/**
 * Where the page sits inside the scrolled content: its origin and size in CSS pixels, and the
 * content's size. A page smaller than the viewport is centred; a larger one gets a margin.
 */
export function pageLayout(page, zoom, viewport, margin) {
  const scale = zoom / 100;
  const width = page.width * scale;
  const height = page.height * scale;
  const left = Math.round(Math.max(margin, (viewport.width - width) / 2));
  const top = Math.round(Math.max(margin, (viewport.height - height) / 2));
  return {
    scale,
    left,
    top,
    width,
    height,
    contentWidth: Math.max(viewport.width, Math.ceil(left + width + margin)),
    contentHeight: Math.max(viewport.height, Math.ceil(top + height + margin)),
  };
}

/**
 * The part of the page visible through the viewport, in CSS pixels relative to the page's
 * top-left corner, snapped outwards to whole pixels; null when none of the page is visible.
 */
export function visibleRegion(layout, scroll, viewport) {
  const x0 = Math.max(0, Math.floor(scroll.left - layout.left));
  const y0 = Math.max(0, Math.floor(scroll.top - layout.top));
  const x1 = Math.min(Math.ceil(layout.width), Math.ceil(scroll.left - layout.left + viewport.width));
  const y1 = Math.min(Math.ceil(layout.height), Math.ceil(scroll.top - layout.top + viewport.height));
  if (x1 <= x0 || y1 <= y0) return null;
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

/** The device-pixel ratio to render `region` at: the screen's, unless that exceeds `maxPixels`. */
export function renderRatio(region, devicePixelRatio, maxPixels) {
  const wanted = region.width * region.height * devicePixelRatio * devicePixelRatio;
  return wanted <= maxPixels ? devicePixelRatio : Math.sqrt(maxPixels / (region.width * region.height));
}

/** Page points → CSS pixels relative to the page's top-left corner on screen. */
export function pointsToPixels(point, scale) {
  return { x: point.x * scale, y: point.y * scale };
}

/** CSS pixels relative to the page's top-left corner → page points. */
export function pixelsToPoints(pixel, scale) {
  return { x: pixel.x / scale, y: pixel.y / scale };
}

/** The zoom factor of one wheel turn (`deltaY` in `deltaMode` units: 0 pixels, 1 lines, 2 pages). */
export function wheelZoomFactor(deltaY, deltaMode) {
  const pixels = deltaMode === 1 ? deltaY * 40 : deltaMode === 2 ? deltaY * 800 : deltaY;
  return Math.exp(-Math.max(-300, Math.min(300, pixels)) * 0.0025);
}

/** Two fingers that were `startDistance` apart at `startZoom` and are `distance` apart now. */
export function pinchZoom(startZoom, startDistance, distance) {
  if (startDistance < 1) return clampZoom(startZoom); // fingers that landed together give no spread to follow
  return clampZoom(startZoom * (distance / startDistance));
}
