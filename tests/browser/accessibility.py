"""WCAG 2.1 A and AA, checked by axe-core (an npm dev dependency) in the page as it stands.

axe is evaluated through the DevTools protocol, which the Content-Security-Policy does not
govern, so the check needs no exception in the policy the pages are tested under.
"""

from pathlib import Path

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

RUN_AXE = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
  return result.violations.map((rule) => `${rule.id} (${rule.impact}): ${rule.help}\\n    `
    + rule.nodes.slice(0, 5).map((node) => `${node.target.join(" ")}: ${node.failureSummary}`).join("\\n    "));
}"""


def violations(page):
    """What axe finds against WCAG 2.1 A/AA in the page now, one line a rule (with up to five places)."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text())
    return page.evaluate(RUN_AXE, WCAG_21_AA)


def assert_accessible(page, state="as loaded"):
    found = violations(page)
    assert not found, f"WCAG 2.1 AA violations on {page.url} ({state}):\n" + "\n".join(found)
