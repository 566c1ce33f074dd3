// node --test tests/js: sheet references in markup text, matched against the set's labels.
import assert from "node:assert/strict";
import { test } from "node:test";

import { sheetRefs } from "../../static/js/markup/sheet_links.js";

const pages = [
  { number: 1, label: "G-001" },
  { number: 4, label: "A-101" },
  { number: 9, label: "A-501" },
  { number: 12, label: "FP-101" },
  { number: 13, label: "" },
];

const named = (text) => sheetRefs(text, pages).map((ref) => [text.slice(ref.start, ref.end), ref.page]);

test("a sheet named as reviewers write it links to that sheet", () => {
  assert.deepEqual(named("Exit width short, see A-501"), [["A-501", 9]]);
  assert.deepEqual(named("detail 3/A-501 and A-101"), [["A-501", 9], ["A-101", 4]]);
  assert.deepEqual(named("Sprinkler riser per fp-101."), [["fp-101", 12]]);
  assert.deepEqual(named("Match A501 and A.101"), [["A501", 9], ["A.101", 4]]);
});

test("what only looks like a sheet is left alone", () => {
  assert.deepEqual(named("See A-502 (not in this set)"), []);
  assert.deepEqual(named("IBC 1005.3.2 and NFPA 13"), []);
  assert.deepEqual(named("XA-101 and A-1011"), []); // part of a longer word or number
  assert.deepEqual(sheetRefs("see A-101", null), []);
  assert.deepEqual(sheetRefs("", pages), []);
});
