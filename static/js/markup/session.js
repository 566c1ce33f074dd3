// Who is marking up and what they may do, which markup is selected and which tool is active.
// Events: "user" (hello arrived), "select" {id, previous}, "tool" {tool}, "editable" {editable}.

export class MarkupSession extends EventTarget {
  /** departments: [{slug, name, color}] of the case. */
  constructor(departments) {
    super();
    this.departments = new Map(departments.map((d) => [d.slug, d]));
    this.user = null; // hello.user: {id, username, department, color, can_annotate, heads}
    this.selectedId = null;
    this.tool = "select";
    this.connected = false; // false while the socket is refused
  }

  setUser(user) {
    this.user = user;
    this.#emit("user", { user });
    this.#emit("editable", { editable: this.canAnnotate });
  }

  setConnected(connected) {
    if (connected === this.connected) return;
    this.connected = connected;
    this.#emit("editable", { editable: this.canAnnotate });
  }

  /** May this person draw and reply at all? Not while refused, nor when only looking on. */
  get canAnnotate() {
    return Boolean(this.connected && this.user?.can_annotate);
  }

  /** Members edit and delete their own department's markups. */
  canEdit(annotation) {
    return this.canAnnotate && !!annotation && annotation.department === this.user.department;
  }

  /** Heads may resolve or reopen any markup on the case; members their own. */
  canSetStatus(annotation) {
    return this.canEdit(annotation) || (this.canAnnotate && !!annotation && this.user.heads?.length > 0);
  }

  department(slug) {
    return this.departments.get(slug) || { slug, name: slug || "No department", color: "#5a6878" };
  }

  /** A markup's colour: the one stored in its style, else its department's. */
  colorOf(annotation) {
    return annotation.style?.color || this.department(annotation.department).color;
  }

  select(id) {
    if (id === this.selectedId) return;
    const previous = this.selectedId;
    this.selectedId = id;
    this.#emit("select", { id, previous });
  }

  setTool(tool) {
    if (tool !== "select" && !this.canAnnotate) tool = "select";
    if (tool === this.tool) return;
    this.tool = tool;
    this.#emit("tool", { tool });
  }

  #emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }
}

/** Two letters for an avatar: fire_head → FH, planner → PL. */
export function initials(username = "") {
  const parts = username.split(/[._\-\s]+/).filter(Boolean);
  if (parts.length >= 2) return (parts[0][0] + parts[1][0]).toUpperCase();
  return username.slice(0, 2).toUpperCase();
}
