// The markups of one version as the server has them, plus the changes this browser shows
// before the server confirms them (optimistic overrides). What is shown is always the server's
// state with the overrides on top; an override goes away when its command is answered, so
// the screen ends up equal to the server's state whether the command was applied or refused.
//
// Events: "change" {ids} (markups shown changed), "comments" {annotation}, "scale" {page}.

export class MarkupStore extends EventTarget {
  constructor() {
    super();
    this.server = new Map(); // id -> annotation as last broadcast
    this.overrides = new Map(); // id (or a temporary key) -> {token, value: annotation | null}
    this.comments = new Map(); // annotation id -> [comment], once its thread is loaded
    this.pendingComments = new Map(); // ref -> {annotation, body, author}
    this.scales = new Map(); // page number -> {ratio, label, unit} | null
    this.editors = new Map(); // annotation id -> who changed it last, when the server says
    this.ready = false;
    this.early = []; // changes that arrived before the first snapshot
    this.tokens = 0;
  }

  // --- what the server says ---------------------------------------------------------------

  /** The state as of the snapshot; changes broadcast meanwhile are applied on top. */
  load(annotations, pages = []) {
    this.server.clear();
    for (const annotation of annotations) this.server.set(annotation.id, annotation);
    for (const page of pages) if ("scale" in page) this.scales.set(page.number, page.scale);
    this.ready = true;
    const early = this.early;
    this.early = [];
    for (const event of early) this.apply(event);
    this.#changed([...this.server.keys()]);
    for (const page of pages) this.#emit("scale", { page: page.number });
  }

  /** One event of the version's log, in seq order. */
  apply(event) {
    if (!this.ready) return this.early.push(event);
    const data = event.data || {};
    switch (event.type) {
      case "annotation.created":
      case "annotation.updated":
        if (event.user) this.editors.set(data.id, event.user.username || event.user);
        return this.upsert(data);
      case "annotation.deleted":
        return this.forget(data.id);
      case "comment.created":
        return this.addComment(data, event.ref);
      case "page.updated":
        if ("scale" in data) this.setScale(data.number, data.scale);
        return undefined;
      default:
        return undefined;
    }
  }

  /** An annotation as the server has it; older revisions than the one known are ignored. */
  upsert(annotation) {
    const known = this.server.get(annotation.id);
    if (known && known.revision > annotation.revision) return;
    this.server.set(annotation.id, annotation);
    this.#changed([annotation.id]);
  }

  /** The markup is gone from the server. */
  forget(id) {
    if (!this.server.delete(id)) return;
    this.#changed([id]);
  }

  addComment(comment, ref = null) {
    if (ref) this.pendingComments.delete(ref);
    const thread = this.comments.get(comment.annotation);
    if (thread && !thread.some((c) => c.id === comment.id)) thread.push(comment);
    this.#emit("comments", { annotation: comment.annotation });
  }

  /** A thread fetched over HTTP, merged with replies that arrived live meanwhile. */
  loadComments(annotationId, comments) {
    const live = this.comments.get(annotationId) || [];
    const byId = new Map([...comments, ...live].map((c) => [c.id, c]));
    this.comments.set(annotationId, [...byId.values()].sort((a, b) => a.id - b.id));
    this.#emit("comments", { annotation: annotationId });
  }

  setScale(page, scale) {
    this.scales.set(page, scale || null);
    this.#emit("scale", { page });
    this.#changed([...this.server.values()].filter((a) => a.page === page).map((a) => a.id));
  }

  // --- what is shown -----------------------------------------------------------------------

  /** The markup as shown (null when it is not, e.g. deleted optimistically). */
  get(id) {
    if (this.overrides.has(id)) return this.overrides.get(id).value;
    return this.server.get(id) ?? null;
  }

  /** Every markup shown: the server's, overridden, and those not confirmed yet. */
  all() {
    const shown = [];
    for (const [id, annotation] of this.server) {
      const value = this.overrides.has(id) ? this.overrides.get(id).value : annotation;
      if (value) shown.push(value);
    }
    for (const [key, { value }] of this.overrides) if (!this.server.has(key) && value) shown.push(value);
    return shown;
  }

  scaleOf(page) {
    return this.scales.get(page) ?? null;
  }

  /** Show `value` for `key` until `clearOverride(key, token)`; returns the token. */
  setOverride(key, value) {
    this.tokens += 1;
    this.overrides.set(key, { token: this.tokens, value });
    this.#changed([key]);
    return this.tokens;
  }

  /** Drop an override, unless a later one replaced it. */
  clearOverride(key, token) {
    const override = this.overrides.get(key);
    if (!override || (token !== undefined && override.token !== token)) return;
    this.overrides.delete(key);
    this.#changed([key]);
  }

  #changed(ids) {
    this.#emit("change", { ids });
  }

  #emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }
}
