// The sheet's drawing scale: shown in the toolbar; set by picking a standard scale, or by
// drawing a line over a known dimension and typing its real length. Shared with everyone on
// the plan set through the server.

import { distance } from "./geometry.js";
import { STANDARD_SCALES, calibratedScale, findStandardScale, parseLength } from "./scale.js";
import { placeBelow } from "./toolbar.js";

export class Calibration {
  constructor(root, { view, store, session, actions, notices, tools, sheetLabel }) {
    Object.assign(this, { view, store, session, actions, notices, sheetLabel });
    this.tools = tools;
    const $ = (selector) => root.querySelector(selector);
    this.button = $("[data-action=scale]");
    this.buttonText = $("[data-action=scale] .scale-text");
    this.menu = $("#scale-menu");
    this.menuSheet = $("#scale-menu-sheet");
    this.select = $("#scale-standard");
    this.clear = $("[data-action=clear-scale]");
    this.dialog = $("#calibrate-dialog");
    this.lengthInput = $("#calibrate-length");
    this.lengthError = $("#calibrate-error");
    this.line = null;
    this.#fillStandard();
    this.#bind();
    store.addEventListener("scale", (event) => event.detail.page === this.page && this.show());
    view.addEventListener("pagechange", () => this.show());
    session.addEventListener("editable", () => this.show());
  }

  get page() {
    return this.view.page?.number ?? null;
  }

  #fillStandard() {
    this.select.append(new Option("Choose a standard scale…", ""));
    for (const { group, scales } of STANDARD_SCALES) {
      const optgroup = document.createElement("optgroup");
      optgroup.label = group;
      optgroup.append(...scales.map((scale) => new Option(scale.label, scale.label)));
      this.select.append(optgroup);
    }
  }

  #bind() {
    this.menu.addEventListener("toggle", (event) => {
      if (event.newState !== "open") return;
      placeBelow(this.menu, this.button);
      const current = this.store.scaleOf(this.page);
      this.select.value = current && findStandardScale(current.label) ? current.label : "";
    });
    this.select.addEventListener("change", async () => {
      const scale = findStandardScale(this.select.value);
      if (!scale) return;
      this.menu.hidePopover();
      if (await this.actions.setScale(this.page, scale)) {
        this.notices.show(`Sheet scale set to ${scale.label}.`, "info", { timeout: 3000 });
      }
    });
    this.menu.querySelector("[data-action=calibrate]").addEventListener("click", () => {
      this.menu.hidePopover();
      this.session.setTool("calibrate");
      this.notices.show("Draw a line over a dimension whose real length you know.", "info", { timeout: 5000 });
    });
    this.clear.addEventListener("click", async () => {
      this.menu.hidePopover();
      await this.actions.setScale(this.page, null);
    });
    this.dialog.addEventListener("close", () => {
      this.line = null;
      this.tools.cancel();
    });
    this.dialog.querySelector("form").addEventListener("submit", (event) => {
      if (event.submitter?.value === "cancel") return; // the dialog closes itself
      const real = parseLength(this.lengthInput.value);
      if (!real) {
        event.preventDefault();
        this.lengthError.textContent = "Type a length such as 12'-6\", 30 ft, 150 in or 9.5 m.";
        this.lengthInput.setAttribute("aria-invalid", "true");
        return;
      }
      const scale = calibratedScale(distance(...this.line), real);
      this.actions.setScale(this.page, scale).then((ok) => {
        if (ok) this.notices.show(`Sheet calibrated: ${scale.label}.`, "info", { timeout: 3000 });
      });
    });
  }

  /** The calibration line is drawn: ask how long it really is. */
  measured(points) {
    this.session.setTool("select");
    if (distance(points[0], points[1]) * this.view.layout.scale < 10) return this.tools.cancel();
    this.line = points;
    this.tools.draft = { kind: "line", points, phase: "done" };
    this.tools.render();
    this.lengthInput.value = "";
    this.lengthError.textContent = "";
    this.lengthInput.removeAttribute("aria-invalid");
    this.dialog.showModal();
  }

  show() {
    const scale = this.store.scaleOf(this.page);
    this.buttonText.textContent = scale ? scale.label : "Set scale";
    this.button.classList.toggle("is-unset", !scale);
    this.button.title = scale
      ? `Sheet scale ${scale.label}: click to change it`
      : "This sheet has no scale: set it to measure lengths and areas";
    this.button.disabled = !this.session.canAnnotate;
    this.clear.hidden = !scale;
    this.menuSheet.textContent = `Scale of sheet ${this.view.page ? this.sheetLabel(this.page) : ""}`;
  }
}
