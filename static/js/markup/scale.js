// A sheet's drawing scale and what measurements read in it. `scale` is the server's
// {ratio, label, unit}: ratio = real length per paper length, so real inches = points / 72 × ratio.

import { pathLength, polygonArea } from "./geometry.js";

const POINTS_PER_INCH = 72;
const METRES_PER_INCH = 0.0254;

function arch(paper, label) {
  return { label, ratio: 12 / paper, unit: "ft" };
}

function engineering(feet) {
  return { label: `1" = ${feet}'-0"`, ratio: feet * 12, unit: "ft" };
}

function metric(denominator) {
  return { label: `1:${denominator}`, ratio: denominator, unit: "m" };
}

export const STANDARD_SCALES = [
  {
    group: "Architectural",
    scales: [
      arch(1 / 16, '1/16" = 1\'-0"'),
      arch(3 / 32, '3/32" = 1\'-0"'),
      arch(1 / 8, '1/8" = 1\'-0"'),
      arch(3 / 16, '3/16" = 1\'-0"'),
      arch(1 / 4, '1/4" = 1\'-0"'),
      arch(3 / 8, '3/8" = 1\'-0"'),
      arch(1 / 2, '1/2" = 1\'-0"'),
      arch(3 / 4, '3/4" = 1\'-0"'),
      arch(1, '1" = 1\'-0"'),
      arch(1.5, '1 1/2" = 1\'-0"'),
      arch(3, '3" = 1\'-0"'),
    ],
  },
  { group: "Engineering", scales: [10, 20, 30, 40, 50, 60, 100, 200].map(engineering) },
  { group: "Metric", scales: [20, 50, 100, 200, 500, 1000].map(metric) },
];

export function findStandardScale(label) {
  for (const { scales } of STANDARD_SCALES) {
    const found = scales.find((scale) => scale.label === label);
    if (found) return found;
  }
  return null;
}

function realInches(points, scale) {
  return (points / POINTS_PER_INCH) * scale.ratio;
}

const FRACTIONS = { 0.25: "1/4", 0.5: "1/2", 0.75: "3/4" };

/** Feet and inches to the nearest quarter inch: 12'-6", 4'-0 1/2", 9 3/4". */
export function feetAndInches(inches) {
  const quarters = Math.round(inches * 4);
  const feet = Math.floor(quarters / 48);
  const rest = (quarters - feet * 48) / 4;
  const whole = Math.floor(rest);
  const fraction = FRACTIONS[rest - whole];
  const inchText = fraction ? (whole ? `${whole} ${fraction}` : fraction) : String(whole);
  return feet ? `${feet}'-${inchText}"` : `${inchText}"`;
}

export function formatLength(points, scale) {
  const inches = realInches(points, scale);
  if (scale.unit === "m") return `${(inches * METRES_PER_INCH).toFixed(2)} m`;
  if (scale.unit === "in") return `${inches.toFixed(1)}"`;
  return feetAndInches(inches);
}

export function formatArea(squarePoints, scale) {
  const squareInches = (squarePoints / POINTS_PER_INCH ** 2) * scale.ratio ** 2;
  if (scale.unit === "m") return `${(squareInches * METRES_PER_INCH ** 2).toFixed(2)} m²`;
  if (scale.unit === "in") return `${squareInches.toFixed(1)} sq in`;
  return `${(squareInches / 144).toLocaleString("en-US", { maximumFractionDigits: 1, minimumFractionDigits: 1 })} sq ft`;
}

/** What a measurement reads, or null for other kinds; "set scale" on an uncalibrated sheet. */
export function measurementText(annotation, scale) {
  const points = annotation.geometry.points;
  if (annotation.kind === "measure_length") return scale ? formatLength(pathLength(points), scale) : "set scale";
  if (annotation.kind === "measure_area") {
    if (!scale) return "set scale";
    return points.length >= 3 ? formatArea(polygonArea(points), scale) : formatArea(0, scale);
  }
  return null;
}

/**
 * A real length typed by a person, in inches with its unit family: 12'-6", 12' 6", 12.5',
 * 12.5 ft, 150", 150 in, 3.5 m, 350 mm; a bare number is feet.
 */
export function parseLength(text) {
  const value = text.trim().toLowerCase().replace(/\s+/g, " ").replace(/[’′]/g, "'").replace(/[”″]/g, '"');
  const number = "(\\d+(?:\\.\\d+)?|\\.\\d+)";
  const inches = `${number}(?:\\s+(\\d+)/(\\d+))?\\s*(?:"|in|inch|inches)`;
  const feetInches = value.match(new RegExp(`^${number}\\s*(?:'|ft|feet|foot)\\s*-?\\s*(?:${inches}?)?$`));
  if (feetInches) {
    const [, feet, inches = "0", num, den] = feetInches;
    const fraction = num && den && Number(den) ? Number(num) / Number(den) : 0;
    return positive({ inches: Number(feet) * 12 + Number(inches) + fraction, unit: "ft" });
  }
  const inchesOnly = value.match(new RegExp(`^${inches}$`));
  if (inchesOnly) {
    const [, inches, num, den] = inchesOnly;
    const fraction = num && den && Number(den) ? Number(num) / Number(den) : 0;
    return positive({ inches: Number(inches) + fraction, unit: "ft" });
  }
  const metric = value.match(new RegExp(`^${number}\\s*(m|cm|mm)$`));
  if (metric) {
    const metres = Number(metric[1]) / { m: 1, cm: 100, mm: 1000 }[metric[2]];
    return positive({ inches: metres / METRES_PER_INCH, unit: "m" });
  }
  const bare = value.match(new RegExp(`^${number}$`));
  return bare ? positive({ inches: Number(bare[1]) * 12, unit: "ft" }) : null;
}

function positive(length) {
  return Number.isFinite(length.inches) && length.inches > 0 ? length : null;
}

/** The scale that makes a line of `lengthPoints` on paper measure `real` ({inches, unit}). */
export function calibratedScale(lengthPoints, real) {
  const ratio = real.inches / (lengthPoints / POINTS_PER_INCH);
  const label = real.unit === "m" ? `1:${Math.round(ratio)}` : `1" = ${feetAndInches(ratio)}`;
  return { ratio: Math.round(ratio * 10000) / 10000, label, unit: real.unit };
}
