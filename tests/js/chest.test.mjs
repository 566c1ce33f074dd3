// node --test tests/js: standard comments typed as #shortcut, and the size of a placed stamp.
import assert from "node:assert/strict";
import { test } from "node:test";

import {
  SUGGESTED, commentText, expandShortcut, insertAt, matching, stampSize, suggested, typedShortcut,
} from "../../static/js/markup/chest.js";

const LIBRARY = [
  { shortcut: "egress", code: "IBC 1005.3.2", text: "Show the egress width.", own: false },
  { shortcut: "egress-stair", code: "IBC 1011.5.2", text: "Risers 7 in max.", own: false },
  { shortcut: "hydrant", code: "IFC 507.5.1", text: "Hydrant within 400 ft.", own: false },
  { shortcut: "mine", code: "", text: "My own wording.", own: true },
];

test("a shortcut is # and a word just before the caret", () => {
  assert.deepEqual(typedShortcut("See #Egress"), { shortcut: "egress", start: 4 });
  assert.deepEqual(typedShortcut("#fdc"), { shortcut: "fdc", start: 0 });
  assert.deepEqual(typedShortcut("(#fdc"), { shortcut: "fdc", start: 1 });
  assert.equal(typedShortcut("grid #"), null);
  assert.equal(typedShortcut("issue#12"), null, "a # inside a word is not a shortcut");
  assert.equal(typedShortcut("#egress then more"), null, "only just before the caret");
  assert.deepEqual(typedShortcut("#egress then more", 7), { shortcut: "egress", start: 0 });
});

test("Tab or Enter puts the comment, with its code, in place of the shortcut", () => {
  assert.deepEqual(expandShortcut("Stair 2: #egress", 16, LIBRARY), {
    text: "Stair 2: IBC 1005.3.2 — Show the egress width.",
    caret: 46,
  });
  const inside = expandShortcut("A #egress B", 9, LIBRARY);
  assert.equal(inside.text, "A IBC 1005.3.2 — Show the egress width. B");
  assert.equal(inside.text.slice(0, inside.caret).endsWith("width."), true);
  assert.equal(expandShortcut("#mine", 5, LIBRARY).text, "My own wording.", "no code: the text alone");
});

test("an unfinished shortcut expands only when one comment begins with it", () => {
  assert.equal(expandShortcut("#hyd", 4, LIBRARY).text, commentText(LIBRARY[2]));
  assert.equal(expandShortcut("#egr", 4, LIBRARY), null, "two begin with egr");
  assert.equal(expandShortcut("#nothing", 8, LIBRARY), null);
  assert.equal(expandShortcut("no shortcut", 11, LIBRARY), null);
});

test("the exact shortcut comes first, one's own before the department's", () => {
  const library = [...LIBRARY, { shortcut: "egress", code: "", text: "Mine on egress.", own: true }];
  assert.deepEqual(
    matching(library, "egress").map((c) => c.text),
    ["Mine on egress.", "Show the egress width.", "Risers 7 in max."],
  );
  assert.equal(expandShortcut("#egress", 7, library).text, "Mine on egress.");
});

test("a click inserts at the caret, spaced from the word before it", () => {
  assert.deepEqual(insertAt("Wall", 4, 4, "IBC 707.3 — Rated."), { text: "Wall IBC 707.3 — Rated.", caret: 23 });
  assert.deepEqual(insertAt("", 0, 0, "Text."), { text: "Text.", caret: 5 });
  assert.deepEqual(insertAt("a b", 2, 3, "X"), { text: "a X", caret: 3 });
});

test("a stamp is sized for its sheet: larger on ARCH D, never under 150 pt, inside the page", () => {
  const [archW, archH] = stampSize({ width: 2592, height: 1728 });
  assert.ok(Math.abs(archW - 345.6) < 1e-9 && Math.abs(archH - 115.2) < 1e-9);
  assert.deepEqual(stampSize({ width: 612, height: 792 }), [150, 50]);
  const [w, h] = stampSize({ width: 100, height: 40 });
  assert.ok(w <= 100 && h <= 40);
});

test("typing # suggests the library, narrowed as the shortcut is typed, own first", () => {
  assert.deepEqual(suggested("Stair 2: #", 10, LIBRARY).matches.map((c) => c.shortcut), ["mine", "egress", "egress-stair", "hydrant"]);
  assert.equal(suggested("Stair 2: #", 10, LIBRARY).start, 9);
  assert.deepEqual(suggested("#EGR", 4, LIBRARY).matches.map((c) => c.shortcut), ["egress", "egress-stair"]);
  assert.deepEqual(suggested("#zz", 3, LIBRARY).matches, []);
  assert.equal(suggested("issue#1", 7, LIBRARY), null, "a # inside a word suggests nothing");
  const many = Array.from({ length: 20 }, (_, i) => ({ shortcut: `c${i}`, text: "", own: false }));
  assert.equal(suggested("#c", 2, many).matches.length, SUGGESTED);
});
