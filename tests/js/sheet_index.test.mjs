// node --test tests/js: the sheet index groups a set's sheets by discipline, in the NCS order.
import assert from "node:assert/strict";
import { test } from "node:test";

import { disciplineOf, groupSheets } from "../../static/js/viewer/sheet_index.js";

test("a sheet's discipline is the letters before its number", () => {
  assert.deepEqual(disciplineOf("A-101"), { code: "A", name: "Architectural" });
  assert.deepEqual(disciplineOf("FP-101"), { code: "F", name: "Fire protection" });
  assert.deepEqual(disciplineOf("s201"), { code: "S", name: "Structural" });
  assert.equal(disciplineOf("").name, "Other sheets");
  assert.equal(disciplineOf("1.01").name, "Other sheets");
  assert.equal(disciplineOf("K-101").name, "Other sheets"); // no such discipline
});

test("the groups follow the standard's order and keep the set's order inside", () => {
  const pages = ["A-101", "G-001", "E-101", "", "C-101", "A-102", "FP-101", "S-101"].map((label, i) => ({ number: i + 1, label }));
  const groups = groupSheets(pages);
  assert.deepEqual(
    groups.map((g) => g.name),
    ["General", "Civil", "Structural", "Architectural", "Fire protection", "Electrical", "Other sheets"],
  );
  assert.deepEqual(groups[3].sheets.map((p) => p.label), ["A-101", "A-102"]);
});
