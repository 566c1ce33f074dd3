"""Insight benchmark, search part: the header's search and find in set on a city's worth of data.

    .venv/bin/python bench/insight.py search [--cases 100000] [--sheets 200000] [--markups 200000] [--runs 30]

Needs PostgreSQL:

  BENCH_DATABASE_URL  default postgres://postgres@127.0.0.1:5432/bench_insight (dropped and created afresh)

It migrates the database, makes the demo departments and users through the ORM, then writes
the rest in bulk with SQL (INSERT … SELECT generate_series), in the shapes the services write:

  --cases     cases, each led by one of the 4 departments with one other taking part (guardian
              group permissions as sync_case_permissions grants them); the applicant on 1 in 1,000
  --sheets    pages of text over cases' plan sets of 20 sheets (one version each), each ~250 words
              drawn (skewed, as real sheets repeat "PLAN", "DOOR", "SEE") from a vocabulary of
              plan words, plus words of its own (its label, a room number, a detail tag)
  --markups   markups on those sheets (10 in 1 internal; half of the rest released) and as many
              replies (1 in 4 shared with the applicant)

then VACUUM ANALYZE, and measures in this process (services.search as the API view calls it,
the ORM and the connection included, no HTTP):

  search      every query of QUERIES as staff (sees all), a planning reviewer (half the cases)
              and the applicant (1 in 1,000 cases, released only), --runs times each after one
              warm-up: p50 / p99 / max per query and over all; the plan of each kind's match
              (which index carries it)
  find        find in set (find.find_in_version) on a 100-sheet version of ~1,000 words a sheet:
              p50 / p99 for a common word, a rare one and a phrase

Figures go to bench/out/insight.json.
"""

import argparse
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
OUT = BASE_DIR / "bench" / "out"
sys.path.insert(0, str(BASE_DIR))

from bench.databases import fresh_database  # noqa: E402 - after the path

KINDS = ["building_permit", "site_plan", "fire_permit", "grading_permit"]
REVIEWERS_PER_DEPARTMENT = 10
DEPARTMENTS = [("planning", "Planning"), ("building", "Building"), ("fire", "Fire"), ("engineering", "Engineering")]
SHEETS_PER_SET = 20
WORDS = [
    "plan",
    "floor",
    "door",
    "wall",
    "stair",
    "fire",
    "rated",
    "assembly",
    "exit",
    "egress",
    "corridor",
    "room",
    "office",
    "storage",
    "mechanical",
    "electrical",
    "plumbing",
    "sprinkler",
    "riser",
    "alarm",
    "detector",
    "smoke",
    "damper",
    "duct",
    "diffuser",
    "return",
    "supply",
    "exhaust",
    "fan",
    "unit",
    "roof",
    "framing",
    "beam",
    "column",
    "footing",
    "foundation",
    "slab",
    "concrete",
    "steel",
    "joist",
    "truss",
    "header",
    "lintel",
    "window",
    "glazing",
    "tempered",
    "frame",
    "hardware",
    "closer",
    "panic",
    "lever",
    "threshold",
    "ramp",
    "slope",
    "landing",
    "guardrail",
    "handrail",
    "height",
    "width",
    "clearance",
    "accessible",
    "ada",
    "toilet",
    "lavatory",
    "urinal",
    "sink",
    "drinking",
    "fountain",
    "shower",
    "grab",
    "bar",
    "mirror",
    "signage",
    "tactile",
    "parking",
    "stall",
    "aisle",
    "curb",
    "cut",
    "sidewalk",
    "driveway",
    "setback",
    "property",
    "line",
    "easement",
    "utility",
    "water",
    "sewer",
    "storm",
    "drain",
    "inlet",
    "manhole",
    "hydrant",
    "valve",
    "meter",
    "backflow",
    "gas",
    "panel",
    "circuit",
    "breaker",
    "transformer",
    "conduit",
    "receptacle",
    "switch",
    "lighting",
    "fixture",
    "emergency",
    "battery",
    "generator",
    "elevation",
    "section",
    "detail",
    "schedule",
    "note",
    "see",
    "typical",
    "verify",
    "existing",
    "new",
    "demolish",
    "remove",
    "relocate",
    "provide",
    "install",
    "match",
    "finish",
    "paint",
    "gypsum",
    "board",
    "insulation",
    "vapor",
    "barrier",
    "membrane",
    "flashing",
    "sealant",
    "north",
    "south",
    "east",
    "west",
    "level",
    "grade",
    "dimension",
    "scale",
    "sheet",
    "revision",
    "date",
    "drawn",
    "checked",
    "approved",
    "architect",
    "engineer",
    "contractor",
    "owner",
    "city",
    "county",
    "permit",
    "code",
    "ibc",
    "nfpa",
    "ada",
    "irc",
    "section",
    "table",
]
QUERIES = [
    ("common word", "plan"),
    ("two words", "fire door"),
    ("phrase", '"fire rated assembly"'),
    ("or", "sprinkler OR hydrant"),
    ("minus", "guardrail -handrail"),
    ("rare word", "rm{rare}"),
    ("case number", "{number}"),
    ("address", "Quarry Road"),
    ("parcel id", "{parcel}"),
    ("nothing", "zyzzogeton"),
]


def configure(database_url):
    os.environ.update(DJANGO_SETTINGS_MODULE="civicreview.settings", DATABASE_URL=database_url, LOG_LEVEL="WARNING")


def timed(label, work):
    started = time.perf_counter()
    result = work()
    print(f"  {label}: {time.perf_counter() - started:.1f} s", flush=True)
    return result


# --- the data ---------------------------------------------------------------------------------


def people():
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from documents.models import Department

    User = get_user_model()
    departments = {}
    for slug, name in DEPARTMENTS:
        group = Group.objects.create(name=name)
        departments[slug] = Department.objects.create(slug=slug, name=name, group=group)
    admin = User.objects.create(username="admin", is_staff=True, is_superuser=True)
    planner = User.objects.create(username="planner")
    planner.groups.add(departments["planning"].group)
    applicant = User.objects.create(username="applicant")
    head = User.objects.create(username="planning_head")
    head.groups.add(departments["planning"].group)
    departments["planning"].heads.add(head)
    reviewers = []
    for slug, department in departments.items():
        for n in range(REVIEWERS_PER_DEPARTMENT):
            reviewer = User.objects.create(username=f"{slug}-{n}")
            reviewer.groups.add(department.group)
            reviewers.append(reviewer)
    users = {"admin": admin, "planner": planner, "applicant": applicant, "planning_head": head, "reviewers": reviewers}
    return users, departments


def load_cases(cases, users, departments):
    """`cases` cases, each led by one of the departments with one other taking part (guardian group
    permissions as sync_case_permissions grants them), the applicant on 1 in 1,000."""
    from django.contrib.auth.models import Permission
    from django.db import connection

    view_case = Permission.objects.get(codename="view_case").pk
    ids = [d.pk for d in departments.values()]
    groups = [d.group_id for d in departments.values()]
    admin, applicant = users["admin"].pk, users["applicant"].pk
    with connection.cursor() as c:
        sql = c.execute
        timed(
            f"{cases:,} cases",
            lambda: sql(f"""
            INSERT INTO documents_case (id, number, title, kind, address, parcel_id, status, created_at, updated_at,
                                        created_by_id, lead_department_id)
            SELECT i, 'BP-2026-' || lpad(i::text, 6, '0'), 'Project ' || i, (ARRAY{KINDS})[1 + i % {len(KINDS)}],
                   (100 + i % 9000) || ' ' || (ARRAY['Riverside Avenue','Quarry Road','Main Street','Oak Lane',
                   'Harbor Drive','Mill Road','Elm Street','Station Road'])[1 + i % 8],
                   lpad((i % 997)::text, 3, '0') || '-' || lpad((i % 1000)::text, 3, '0') || '-' || lpad((i % 89)::text, 2, '0'),
                   'open', now() - (i % 900) * interval '1 day', now(), {admin},
                   (ARRAY{ids})[1 + i % 4]
            FROM generate_series(1, {cases}) i"""),
        )
        timed(
            "departments and permissions",
            lambda: (
                sql(f"""INSERT INTO documents_case_departments (case_id, department_id)
                    SELECT i, (ARRAY{ids})[1 + i % 4] FROM generate_series(1, {cases}) i
                    UNION ALL SELECT i, (ARRAY{ids})[1 + (i + 1 + i / 4 % 3) % 4] FROM generate_series(1, {cases}) i"""),
                sql(f"""INSERT INTO documents_casegroupobjectpermission (content_object_id, group_id, permission_id)
                    SELECT d.case_id, (ARRAY{groups})[array_position(ARRAY{ids}::bigint[], d.department_id)], {view_case}
                    FROM documents_case_departments d"""),
                sql(f"""INSERT INTO documents_caseapplicant (added_at, added_by_id, case_id, user_id)
                    SELECT now(), {admin}, i, {applicant} FROM generate_series(1, {cases}, 1000) i"""),
            ),
        )


def generate(cases, sheets, markups, users, departments):
    from django.db import connection

    load_cases(cases, users, departments)
    ids = [d.pk for d in departments.values()]
    admin = users["admin"].pk
    sets = max(1, sheets // SHEETS_PER_SET)
    vocabulary = "ARRAY[" + ",".join(f"'{w}'" for w in WORDS) + "]"
    with connection.cursor() as c:
        sql = c.execute
        timed(
            f"{sets:,} plan sets",
            lambda: (
                sql(f"""INSERT INTO documents_document (id, title, kind, created_at, case_id)
                    SELECT i, 'Plan set', 'plan_set', now(), 1 + (i * 7919) % {cases} FROM generate_series(1, {sets}) i"""),
                sql(f"""INSERT INTO documents_documentversion (id, number, file, sha256, size, page_count, pages_done, status,
                        error, created_at, processed_at, document_id, uploaded_by_id, web_file, attempt, progressed_at, restarts)
                    SELECT i, 1, 'versions/x.pdf', md5(i::text), 1000000, {SHEETS_PER_SET}, {SHEETS_PER_SET}, 'ready', '',
                           now(), now(), i, {admin}, '', 1, now(), 0
                    FROM generate_series(1, {sets}) i"""),
            ),
        )
        timed(
            "2,000 sheet texts",
            lambda: sql(f"""
            CREATE TEMP TABLE texts AS
            SELECT t, (SELECT string_agg(upper(({vocabulary})[1 + floor(power(random(), 2) * {len(WORDS)})::int]), ' ')
                       FROM generate_series(1, 250 + t * 0) w) AS body
            FROM generate_series(0, 1999) t"""),
        )
        timed(
            f"{sets * SHEETS_PER_SET:,} sheets",
            lambda: sql(f"""
            INSERT INTO documents_page (number, width, height, rotation, label, thumbnail, text, scale_label, scale_unit,
                                        version_id, title)
            SELECT n, 2592, 1728, 0, 'A-' || (100 + n), '', 'A-' || (100 + n) || ' RM' || (v * 100 + n) || ' ' || texts.body,
                   '', '', v, 'FLOOR PLAN'
            FROM generate_series(1, {sets}) v CROSS JOIN generate_series(1, {SHEETS_PER_SET}) n
            JOIN texts ON texts.t = ((v * {SHEETS_PER_SET} + n) * 7919) % 2000"""),
        )
        timed(
            f"{markups:,} markups and replies",
            lambda: (
                sql(f"""INSERT INTO reviews_annotation (page, kind, geometry, style, text, status, revision, created_at, updated_at,
                        author_id, department_id, version_id, category, released_at)
                    SELECT 1 + i % {SHEETS_PER_SET}, 'cloud', '{{"points": [[10, 10], [90, 90]]}}', '{{}}',
                           initcap(texts.body::varchar(90)), 'open', 1, now(), now(), {admin}, (ARRAY{ids})[1 + i % 4],
                           1 + (i * 31) % {sets},
                           CASE WHEN i % 10 = 0 THEN 'internal' ELSE 'correction' END,
                           CASE WHEN i % 2 = 0 AND i % 10 <> 0 THEN now() END
                    FROM generate_series(1, {markups}) i JOIN texts ON texts.t = (i * 13) % 2000"""),
                sql(f"""INSERT INTO reviews_comment (body, created_at, annotation_id, author_id, visibility)
                    SELECT lower(substr(texts.body, 40, 120)), now(), a.id, {admin},
                           CASE WHEN a.id % 4 = 0 THEN 'applicant' ELSE 'internal' END
                    FROM reviews_annotation a JOIN texts ON texts.t = (a.id * 17) % 2000"""),
            ),
        )
        for table in ("documents_case", "documents_document", "documents_documentversion"):
            sql(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
    return sets


def load_reviews(cases, audit, users, departments):
    """The workflow records the dashboard reads, in the engine's shapes: one plan set per case,
    1 to 3 versions (cycles), each reviewed in one workflow of one stage (a review task for each of
    the case's two departments, an approval by the lead when it ended approved). The last version
    of 1 case in 10 is still in review (about half of those overdue), with 5 open corrections; every
    finished version has one resolved. Then `audit` audit entries spread over the cases' chains."""
    from django.db import connection

    from workflows.models import WorkflowTemplate

    template = WorkflowTemplate.objects.create(slug="bench", name="Bench").pk
    ids = [d.pk for d in departments.values()]
    reviewers = [user.pk for user in users["reviewers"]]
    per = len(reviewers) // len(ids)
    admin = users["admin"].pk
    department = "d.ids[1 + i % 4]", "d.ids[1 + (i + 1 + i / 4 % 3) % 4]"  # the lead, the other (as load_cases)
    with connection.cursor() as c:
        sql = c.execute
        sql(f"""CREATE TEMP TABLE cycles AS
            SELECT i, n, k.cycles, (i - 1) * 3 + n AS id, n = k.cycles AND i % 10 = 0 AS open,
                   CASE WHEN n = k.cycles AND i % 10 = 0 THEN now() - (i / 10 % 30) * interval '1 day'
                        ELSE now() - (60 + i % 900 - (n - 1) * 20) * interval '1 day' END AS submitted_at,
                   CASE WHEN n < k.cycles THEN 'corrections_required' WHEN i % 10 = 0 THEN 'in_progress'
                        WHEN i % 13 = 0 THEN 'rejected' WHEN i % 5 = 0 THEN 'approved_with_conditions'
                        ELSE 'approved' END AS status
            FROM generate_series(1, {cases}) i
            CROSS JOIN LATERAL (SELECT 1 + (i % 3 = 0)::int + (i % 7 = 0)::int AS cycles) k
            CROSS JOIN LATERAL generate_series(1, k.cycles) n""")
        timed(
            "documents, versions, workflows, stages",
            lambda: (
                sql(f"""INSERT INTO documents_document (id, title, kind, created_at, case_id)
                    SELECT i, 'Plan set', 'plan_set', now(), i FROM generate_series(1, {cases}) i"""),
                sql(f"""INSERT INTO documents_documentversion (id, number, file, sha256, size, page_count, pages_done, status,
                        error, created_at, processed_at, document_id, uploaded_by_id, web_file, attempt, progressed_at, restarts)
                    SELECT id, n, 'versions/x.pdf', md5(id::text), 1000000, 20, 20, 'ready', '',
                           submitted_at, submitted_at, i, {admin}, '', 1, submitted_at, 0 FROM cycles"""),
                sql(f"""INSERT INTO workflows_workflow (id, plan, status, stage, conditions, corrections_letter, approval_letter,
                        approved_set, submitted_at, finished_at, changed_at, case_id, submitted_by_id, template_id, version_id)
                    SELECT id, '[]', status, 1, '[]', '', '', '', submitted_at,
                           CASE WHEN NOT open THEN submitted_at + interval '16 days' END, now(), i, {admin}, {template}, id
                    FROM cycles"""),
                sql("""INSERT INTO workflows_stagerun (id, number, name, status, outcome, opened_at, closed_at, workflow_id)
                    SELECT id, 1, 'Review', CASE WHEN open THEN 'open' ELSE 'closed' END,
                           CASE WHEN open THEN '' ELSE status END, submitted_at,
                           CASE WHEN NOT open THEN submitted_at + interval '16 days' END, id FROM cycles"""),
            ),
        )
        decided = "submitted_at + ((i * 7 + k * 3 + n) % 15 + 1) * interval '1 day' + k * interval '3 hours'"
        timed(
            "tasks",
            lambda: sql(f"""
            INSERT INTO workflows_task (id, kind, status, decision, comment, decided_at, created_at, due_at, remind_at,
                                        changed_at, decided_by_id, department_id, stage_id, workflow_id)
            SELECT t.id * 3 + t.k, t.kind, t.state, t.decision, '', CASE WHEN t.state = 'done' THEN t.decided END,
                   t.submitted_at, t.submitted_at + interval '14 days', t.submitted_at + interval '12 days',
                   coalesce(CASE WHEN t.state = 'done' THEN t.decided END, t.submitted_at),
                   CASE WHEN t.state = 'done' THEN (ARRAY{reviewers})[t.slot * {per} + 1 + t.i % {per}] END,
                   t.department, t.id, t.id
            FROM (
                SELECT cycles.*, k, CASE WHEN k = 3 THEN 'approval' ELSE 'review' END AS kind,
                       CASE WHEN k = 2 THEN {department[1]} ELSE {department[0]} END AS department,
                       array_position(d.ids, CASE WHEN k = 2 THEN {department[1]} ELSE {department[0]} END) - 1 AS slot,
                       CASE WHEN open AND (k = 1 OR i % 20 <> 0) THEN 'pending'
                            WHEN k = 3 AND status NOT LIKE 'approved%' THEN 'skipped' ELSE 'done' END AS state,
                       CASE WHEN open AND (k = 1 OR i % 20 <> 0) THEN ''
                            WHEN k = 3 AND status NOT LIKE 'approved%' THEN ''
                            WHEN status = 'corrections_required' AND k = 1 THEN 'corrections_required'
                            WHEN status = 'rejected' THEN 'rejected'
                            WHEN k = 3 THEN status ELSE 'approved' END AS decision,
                       CASE WHEN k = 3 THEN submitted_at + interval '16 days' ELSE {decided} END AS decided
                FROM cycles CROSS JOIN generate_series(1, 3) k CROSS JOIN (SELECT ARRAY{ids}::bigint[] AS ids) d
                WHERE NOT (open AND k = 3)
            ) t"""),
        )

        def corrections(status, each, of_open):
            return f"""INSERT INTO reviews_annotation (page, kind, geometry, style, text, status, revision, created_at,
                       updated_at, author_id, department_id, version_id, category, released_at)
            SELECT 1, 'cloud', '{{"points": [[10, 10], [90, 90]]}}', '{{}}', 'Provide a rated door here', '{status}', 1,
                   submitted_at, submitted_at,
                   (ARRAY{reviewers})[(array_position(d.ids, {department[0]}) - 1) * {per} + 1 + (i + m) % {per}],
                   {department[0]}, id, 'correction', NULL
            FROM cycles CROSS JOIN (SELECT ARRAY{ids}::bigint[] AS ids) d CROSS JOIN generate_series(1, {each}) m
            WHERE open = {of_open}"""

        timed("corrections", lambda: (sql(corrections("open", 5, True)), sql(corrections("resolved", 1, False))))
        timed(
            f"{audit:,} audit entries",
            lambda: sql(f"""
            INSERT INTO audit_auditentry (seq, at, actor_name, action, case_number, object_type, object_id, summary,
                                          before, after, prev_hash, hash, actor_id, case_id, chain)
            SELECT s, now() - (1 + i % 900) * interval '1 day' + s * interval '1 hour', 'bench',
                   (ARRAY['case.created','version.uploaded','workflow.submitted','task.decided','annotation.created',
                          'annotation.updated','comment.created','workflow.finished'])[1 + s % 8],
                   'BP-2026-' || lpad(i::text, 6, '0'), 'task', (i * 3 + s % 3)::text, 'bench entry ' || s, '', '{{}}',
                   md5(i || '.' || s - 1) || md5(s - 1 || '.' || i), md5(i || '.' || s) || md5(s || '.' || i),
                   {admin}, i, 'case:' || i
            FROM generate_series(1, {cases}) i CROSS JOIN generate_series(1, {max(1, audit // cases)}) s"""),
        )
        for table in ("documents_document", "documents_documentversion", "workflows_workflow", "workflows_stagerun",
                      "workflows_task"):  # fmt: skip
            sql(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")


def hundred_sheet_version(users, departments):
    """A 100-sheet plan set of ~1,000 words a sheet (a dense ARCH D sheet's notes), for find in set."""
    from django.db import connection

    from documents.models import Case, Document, DocumentVersion

    case = Case.objects.create(number="BP-2026-FIND01", title="Find bench", kind="building_permit",
                               lead_department=departments["planning"], created_by=users["admin"])  # fmt: skip
    document = Document.objects.create(case=case, title="100 sheets")
    version = DocumentVersion.objects.create(document=document, number=1, file="versions/x.pdf", sha256="0" * 64,
                                             size=1, page_count=100, pages_done=100, status="ready",
                                             uploaded_by=users["admin"])  # fmt: skip
    with connection.cursor() as c:
        c.execute(f"""
            INSERT INTO documents_page (number, width, height, rotation, label, thumbnail, text, scale_label, scale_unit,
                                        version_id, title)
            SELECT n, 2592, 1728, 0, 'A-' || (100 + n), '', 'A-' || (100 + n) || ' DETAIL' || n || ' ' ||
                   (SELECT string_agg(body, ' ') FROM texts WHERE t BETWEEN n * 4 AND n * 4 + 3),
                   '', '', {version.pk}, 'SHEET ' || n
            FROM generate_series(1, 100) n""")
    return version


def existing_users():
    """The users of an earlier run's data, as `people` made them."""
    from django.contrib.auth import get_user_model

    users = {user.username: user for user in get_user_model().objects.all()}
    users["reviewers"] = [user for name, user in users.items() if name[-1].isdigit()]
    return users


def existing():
    """The users and the 100-sheet version of an earlier run's data."""
    from documents.models import DocumentVersion

    return existing_users(), DocumentVersion.objects.get(document__case__number="BP-2026-FIND01")


# --- the measurements ------------------------------------------------------------------------


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def summary(samples):
    ms = [s * 1000 for s in samples]
    return {"p50_ms": round(statistics.median(ms), 2), "p99_ms": round(percentile(ms, 99), 2),
            "max_ms": round(max(ms), 2), "n": len(ms)}  # fmt: skip


def measure_search(users, runs):
    from documents.models import Case
    from search import services

    applicant_case = Case.objects.filter(applicants__user=users["applicant"]).order_by("pk").first()
    fill = {"rare": 12345, "number": applicant_case.number, "parcel": applicant_case.parcel_id}
    results, every = {}, []
    for who in ("admin", "planner", "applicant"):
        user = users[who]
        for label, template in QUERIES:
            text = template.format(**fill)
            hits, _ = services.search(user, text)  # warm-up (and the plans prepared)
            samples = []
            for _ in range(runs):
                started = time.perf_counter()
                services.search(user, text)
                samples.append(time.perf_counter() - started)
            every += samples
            results[f"{who}: {label}"] = {"query": text, "hits": len(hits), **summary(samples)}
            print(f"  {who:9} {label:12} {text!r:28} {len(hits):3} hits  {results[f'{who}: {label}']}", flush=True)
    results["all"] = summary(every)
    return results


def plans():
    """Which index each kind's match uses, from EXPLAIN of its SQL as the planner user runs it."""
    from django.db import connection

    from search import vectors

    found = {}
    with connection.cursor() as cursor:
        for indexed in vectors.ALL:
            cursor.execute(
                f'EXPLAIN SELECT id FROM "{indexed.table}" WHERE search_vector @@ websearch_to_tsquery(%s, %s) LIMIT 500',
                [indexed.config, "fire door"],
            )
            plan = [row[0].strip() for row in cursor.fetchall()]
            found[indexed.table] = next((line for line in plan if "Index" in line), plan[0])
    return found


def measure_find(version, runs):
    from search import find

    results = {}
    for label, text in [("common word", "plan"), ("rare word", "detail37"), ("phrase", '"fire rated"')]:
        answer = find.find_in_version(version, text)
        samples = []
        for _ in range(runs):
            started = time.perf_counter()
            find.find_in_version(version, text)
            samples.append(time.perf_counter() - started)
        results[label] = {"query": text, "sheets": len(answer["pages"]), "hits": answer["total"], **summary(samples)}
        print(f"  find {label:12} {results[label]}", flush=True)
    return results


def explained(work):
    """The indexes each query of `work()` uses, from EXPLAIN of the SQL it ran: {sql start: [index]}."""
    import re

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ran:
        work()
    found = {}
    with connection.cursor() as cursor:
        for query in (q for q in ran.captured_queries if q["sql"].lstrip().upper().startswith("SELECT")):
            cursor.execute("EXPLAIN " + query["sql"])
            plan = "\n".join(row[0] for row in cursor.fetchall())
            indexes = re.findall(
                r"(?:Index Scan|Index Only Scan|Bitmap Index Scan)(?: Backward)? (?:using|on) (\w+)", plan
            )
            found[f"{len(found) + 1}. {query['sql'][:60]}"] = sorted(set(indexes)) or [
                "no index: " + plan.splitlines()[0].strip()[:60]
            ]
    return found


def dashboard_queries(users):
    """(label, user, work) for each query the dashboard page and its API run."""
    import datetime

    from insight import figures
    from workflows import selectors
    from workflows.services import live

    today = datetime.date.today()
    filters = {
        "all time": figures.Filters(),
        "last 90 days": figures.Filters(start=today - datetime.timedelta(days=90), end=today),
        "one kind": figures.Filters(kind="site_plan"),
    }
    work = []
    for who in ("planning_head", "admin"):
        user = users[who]
        for name, chosen in filters.items():
            work += [
                (f"{who}: turnaround, {name}", lambda u=user, f=chosen: figures.turnaround(u, f)),
                (f"{who}: workload, {name}", lambda u=user, f=chosen: figures.workload(u, f)),
                (f"{who}: outcomes, {name}", lambda u=user, f=chosen: figures.outcomes(u, f)),
            ]
    head = users["planning_head"]
    work += [
        ("planning_head: boards", lambda: [list(board.values()) for board in selectors.dashboard(head)]),
        ("planning_head: live stamp", lambda: live.user_stamp(head)),
    ]
    return work


def measure_dashboard(users, runs):
    results, every = {}, []
    for label, work in dashboard_queries(users):
        work()  # warm-up
        samples = []
        for _ in range(runs):
            started = time.perf_counter()
            work()
            samples.append(time.perf_counter() - started)
        every += samples
        results[label] = {**summary(samples), "indexes": explained(work)}
        print(f"  {label:42} {summary(samples)}", flush=True)
    results["all"] = summary(every)
    return results


def measure_open_data():
    """The open-data CSV and JSON as the views stream them: rows a second (untraced), then the
    Python memory allocated at each tenth of the rows (tracemalloc's peak over that tenth)."""
    import tracemalloc

    from django.test import RequestFactory

    from documents.models import Case
    from public import views

    rows = Case.objects.count()
    results = {}
    for name, view in (("csv", views.OpenDataCsv), ("json", views.OpenDataJson)):
        answer = view.as_view()
        started = time.perf_counter()
        size = sum(len(chunk) for chunk in answer(RequestFactory().get("/")).streaming_content)
        took = time.perf_counter() - started
        tracemalloc.start()
        peaks = []
        for seen, _chunk in enumerate(answer(RequestFactory().get("/")).streaming_content, 1):
            if seen % (rows // 10) == 0:
                peaks.append(round(tracemalloc.get_traced_memory()[1] / 2**20, 2))
                tracemalloc.reset_peak()
        tracemalloc.stop()
        results[name] = {"rows": rows, "seconds": round(took, 2), "rows_per_s": round(rows / took),
                         "mb": round(size / 2**20, 1), "peak_mib_per_tenth": peaks}  # fmt: skip
        print(f"  open data {name}: {results[name]}", flush=True)
    return results


def run_search(args, connection):
    started = time.perf_counter()
    if args.reuse:
        users, version = existing()
    else:
        users, departments = people()
        print("generating", flush=True)
        generate(args.cases, args.sheets, args.markups, users, departments)
        version = hundred_sheet_version(users, departments)
    loaded = time.perf_counter() - started
    timed("vacuum analyze", lambda: connection.cursor().execute("VACUUM ANALYZE"))
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_size_pretty(pg_relation_size(%s)), pg_size_pretty(pg_relation_size('documents_page'))",
                       ["search_page_vector"])  # fmt: skip
        index_size, table_size = cursor.fetchone()
    print("search", flush=True)
    figures = {
        "rows": {"cases": args.cases, "sheets": args.sheets, "markups": args.markups, "replies": args.markups},
        "load_s": round(loaded, 1),
        "sheet_index": index_size,
        "sheet_table": table_size,
        "plans": plans(),
        "search": measure_search(users, args.runs),
        "find_100_sheets": measure_find(version, args.runs),
    }
    print(json.dumps({k: figures[k] for k in ("load_s", "sheet_index", "plans")}, indent=2))
    print("search overall", figures["search"]["all"])
    return figures


def run_dashboard(args, connection):
    started = time.perf_counter()
    if args.reuse:
        users = existing_users()
    else:
        users, departments = people()
        print("generating", flush=True)
        load_cases(args.cases, users, departments)
        load_reviews(args.cases, args.audit, users, departments)
    loaded = time.perf_counter() - started
    timed("vacuum analyze", lambda: connection.cursor().execute("VACUUM ANALYZE"))
    print("dashboard", flush=True)
    figures = {
        "rows": {"cases": args.cases, "audit_entries": args.audit},
        "load_s": round(loaded, 1),
        "dashboard": measure_dashboard(users, args.runs),
        "open_data": measure_open_data(),
    }
    print("dashboard overall", figures["dashboard"]["all"])
    return figures


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("part", choices=["search", "dashboard"])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--sheets", type=int, default=200_000)
    parser.add_argument("--markups", type=int, default=200_000)
    parser.add_argument("--audit", type=int, default=2_000_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--reuse", action="store_true", help="measure the data an earlier run of the part loaded")
    args = parser.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL", f"postgres://postgres@127.0.0.1:5432/bench_insight_{args.part}")
    if not args.reuse:
        fresh_database(url)
    configure(url)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    timed("migrate", lambda: call_command("migrate", verbosity=0))
    run = run_search if args.part == "search" else run_dashboard
    figures = {
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "postgres": connection.pg_version},
        **run(args, connection),
    }
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / f"insight-{args.part}.json").write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
