// The dashboard's figures: fetched from /api/insight/ with the form's filters, drawn as charts
// (Chart.js, served from npm as a static file) beside tables that hold the same figures, and
// offered as CSV with the same filters. Drawn again whenever a decision is pushed on the user's
// socket ("civicreview:decision", static/js/notifications/socket.js), one read at a time.
import { apiFetch } from "./api.js";

const root = /** @type {HTMLElement} */ (document.getElementById("insight"));
const form = /** @type {HTMLFormElement} */ (root.querySelector("#insight-filters"));
const status = /** @type {HTMLElement} */ (root.querySelector("#insight-status"));
/** @type {Record<string, {destroy(): void}>} */
const charts = {};
const style = getComputedStyle(document.documentElement);
const COLORS = [1, 2, 3, 4, 5, 6].map((n) => style.getPropertyValue(`--chart-${n}`).trim()); // app.css's :root

function query() {
  const params = new URLSearchParams();
  for (const [name, value] of new FormData(form)) if (value) params.set(name, String(value));
  return params;
}

function fill(testid, rows, cells) {
  const body = /** @type {HTMLElement} */ (root.querySelector(`[data-testid=${testid}] tbody`));
  body.replaceChildren(
    ...rows.map((row) => {
      const tr = document.createElement("tr");
      for (const value of cells(row)) tr.append(Object.assign(document.createElement("td"), { textContent: value ?? "—" }));
      return tr;
    }),
  );
}

function draw(id, config) {
  charts[id]?.destroy();
  charts[id] = new /** @type {any} */ (window).Chart(root.querySelector(`#${id}`), { ...config, options: { animation: false, ...config.options } });
}

function turnaroundChart(rows) {
  const weeks = [...new Set(rows.map((row) => row.week))];
  const departments = [...new Set(rows.map((row) => row.department))];
  const series = (department, field) => weeks.map((week) => rows.find((r) => r.week === week && r.department === department)?.[field] ?? null);
  const datasets = departments.flatMap((department, i) => [
    { label: `${department} median`, data: series(department, "median_days"), borderColor: COLORS[i % COLORS.length] },
    { label: `${department} 90th percentile`, data: series(department, "p90_days"), borderColor: COLORS[i % COLORS.length], borderDash: [6, 4] },
  ]);
  draw("turnaround-chart", { type: "line", data: { labels: weeks, datasets }, options: { scales: { y: { title: { display: true, text: "days" } } } } });
}

async function show() {
  const params = query();
  status.textContent = "Loading…";
  try {
    const figures = await apiFetch(`/api/insight/?${params}`);
    turnaroundChart(figures.turnaround);
    fill("turnaround-table", figures.turnaround, (r) => [r.week, r.department, r.reviews, r.median_days, r.p90_days]);
    const load = figures.workload.departments;
    draw("workload-chart", {
      type: "bar",
      data: {
        labels: load.map((r) => r.department),
        datasets: [
          { label: "open", data: load.map((r) => r.open), backgroundColor: COLORS[0] },
          { label: "overdue", data: load.map((r) => r.overdue), backgroundColor: COLORS[1] },
        ],
      },
    });
    fill("workload-table", load, (r) => [r.department, r.open, r.overdue]);
    fill("reviewers-table", figures.workload.reviewers, (r) => [r.reviewer, r.department, r.open_corrections]);
    fill("outcomes-table", figures.outcomes, (r) => [r.kind, r.documents, r.approved, r.cycles_per_approval, `${Math.round(r.first_pass_rate * 100)}%`]);
    for (const link of /** @type {NodeListOf<HTMLAnchorElement>} */ (root.querySelectorAll("[data-csv]"))) link.search = params.toString();
    status.textContent = figures.turnaround.length ? "" : "No reviews were decided in these dates.";
  } catch (error) {
    status.textContent = `The figures could not be loaded: ${error.message}`;
  }
}

let showing = null;
let again = false;

/** `show()`, but never two reads at once: a request during one makes one more after it. */
function refresh() {
  if (showing) {
    again = true;
    return;
  }
  showing = show().finally(() => {
    showing = null;
    if (again) {
      again = false;
      refresh();
    }
  });
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  refresh();
});
document.addEventListener("civicreview:decision", refresh);
refresh();
