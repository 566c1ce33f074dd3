// The workflow screens (my tasks, the head's dashboard, the case page's review section):
// live refresh from the user's live channel, and the decision and submission forms.
import { handleForms } from "./actions.js";
import { Refresher, followLive } from "./live.js";

for (const root of /** @type {NodeListOf<HTMLElement>} */ (document.querySelectorAll("[data-live-screen]"))) {
  if (root.dataset.liveStarted) continue;
  root.dataset.liveStarted = "1";
  const sections = /** @type {string} */ (root.dataset.liveSections);
  const refresher = new Refresher(sections.split(",").map((selector) => selector.trim()));
  followLive(root, () => refresher.request());
  handleForms(root, () => refresher.request({ force: true }));
}
