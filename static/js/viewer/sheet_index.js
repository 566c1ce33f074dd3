// The sheet index: the set's sheets grouped by discipline, as the US National CAD Standard
// orders them (the discipline is the letters before a sheet number: A-101 architectural,
// FP-101 fire protection), each sheet with its label and title, linking to it.

/** @type {[string, string][]} */
const DISCIPLINES = [
  ["G", "General"],
  ["H", "Hazardous materials"],
  ["V", "Survey and mapping"],
  ["B", "Geotechnical"],
  ["W", "Civil works"],
  ["C", "Civil"],
  ["L", "Landscape"],
  ["S", "Structural"],
  ["A", "Architectural"],
  ["I", "Interiors"],
  ["Q", "Equipment"],
  ["F", "Fire protection"],
  ["P", "Plumbing"],
  ["D", "Process"],
  ["M", "Mechanical"],
  ["E", "Electrical"],
  ["T", "Telecommunications"],
  ["R", "Resource"],
  ["X", "Other disciplines"],
  ["Z", "Contractor and shop drawings"],
  ["O", "Operations"],
];
const ORDER = new Map(DISCIPLINES.map(([code], index) => [code, index]));
const NAMES = new Map(DISCIPLINES);
const OTHER = { code: "", name: "Other sheets" };

/** The discipline of a sheet label: {code, name}; by its first letter (FP-101 and FA-101 are fire protection). */
export function disciplineOf(label) {
  const letters = /^\s*([A-Za-z]{1,2})[-. ]?\d/.exec(label || "");
  const code = letters ? letters[1][0].toUpperCase() : "";
  return NAMES.has(code) ? { code, name: NAMES.get(code) } : OTHER;
}

/** [{code, name, sheets: [page]}]: the pages grouped by discipline, disciplines in the standard's order, sheets in set order. */
export function groupSheets(pages) {
  const groups = new Map();
  for (const page of pages) {
    const discipline = disciplineOf(page.label);
    if (!groups.has(discipline.code)) groups.set(discipline.code, { ...discipline, sheets: [] });
    groups.get(discipline.code).sheets.push(page);
  }
  /** @param {string} code */
  const rank = (code) => ORDER.get(code) ?? ORDER.size;
  return [...groups.values()].sort((a, b) => rank(a.code) - rank(b.code));
}

/** Fill `root` (a <details>) with the index of `pages`; a sheet's link opens it (#page=N). */
export function showSheetIndex(root, pages) {
  const groups = groupSheets(pages).map((group) => {
    const section = document.createElement("details");
    section.open = true;
    section.className = "sheet-group";
    const summary = document.createElement("summary");
    summary.textContent = `${group.name} (${group.sheets.length})`;
    const list = document.createElement("ul");
    for (const page of group.sheets) {
      const link = Object.assign(document.createElement("a"), { href: `#page=${page.number}` });
      const label = Object.assign(document.createElement("span"), { className: "sheet-index-label", textContent: page.label || `Page ${page.number}` });
      link.append(label, page.title ? ` ${page.title}` : "");
      const item = document.createElement("li");
      item.append(link);
      list.append(item);
    }
    section.append(summary, list);
    return section;
  });
  root.querySelector(".sheet-index-groups").replaceChildren(...groups);
  root.hidden = pages.length === 0;
}
