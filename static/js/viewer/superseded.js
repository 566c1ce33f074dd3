// A version replaced while it is open: the server logs `version.superseded` on it (README,
// "Resubmittals"), and the viewer shows the banner a reload would, and turns read-only, at once.

/** Watch `markup`'s socket (startMarkup's) for the replacement of the version shown in `root`. */
export function watchReplacement(root, markup) {
  markup.socket.addEventListener("change", (event) => {
    if (event.detail.type === "version.superseded") showReplaced(root, markup.session, event.detail.data);
  });
}

function showReplaced(root, session, newer) {
  if (root.querySelector("[data-testid=superseded-banner]")) return;
  const banner = Object.assign(document.createElement("p"), { className: "superseded-banner", role: "status" });
  banner.dataset.testid = "superseded-banner";
  root.querySelector(".viewer-body").before(banner);
  root.classList.add("is-superseded");
  if (session.user) session.setUser({ ...session.user, can_annotate: false });
  session.setTool("select");
  const link = Object.assign(document.createElement("a"), { href: newer.url, textContent: `version ${newer.number}` });
  banner.append( // filled once in the page, so that screen readers announce it
    `Version ${root.dataset.versionNumber} was replaced by `,
    link,
    `. It is read-only: its open markups were carried to version ${newer.number}, where the review goes on.`,
  );
}
