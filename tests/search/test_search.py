"""GET /api/search/?q= and the services behind it, on SQLite and PostgreSQL alike."""

import pytest
from django.db import connection

from search import services
from search.query import BadQuery, parse

pytestmark = pytest.mark.django_db


def found(user, text):
    hits, _more = services.search(user, text)
    return {(hit.type, hit.case_number, strip(hit.snippet)) for hit in hits}


def strip(snippet):
    return snippet.replace("<mark>", "").replace("</mark>", "")


def kinds(user, text):
    return sorted(hit.type for hit in services.search(user, text)[0])


def test_a_reviewer_finds_cases_by_number_address_and_parcel(demo, world):
    assert kinds(demo.planner, world.ours.number) == ["case"]
    assert kinds(demo.planner, "Riverside") == ["case"]
    assert kinds(demo.fire, "052-118-07") == ["case"]
    (hit,), _ = services.search(demo.planner, "Riverside")
    assert hit.case == world.ours.pk and hit.url == f"/cases/{world.ours.pk}/"
    assert "<mark>Riverside</mark>" in hit.snippet


def test_a_reviewer_finds_sheet_text_markups_and_every_reply_of_their_cases(demo, world):
    assert kinds(demo.planner, "stair") == ["sheet"]
    assert kinds(demo.planner, "sprinkler") == ["annotation"]  # internal markups too
    assert kinds(demo.planner, "handrail") == ["annotation"]  # and drafts
    assert kinds(demo.fire, "egress") == ["comment"]  # and internal replies
    (sheet,), _ = services.search(demo.planner, "stair")
    assert (sheet.version, sheet.page) == (world.version.pk, 1)
    assert sheet.url.startswith(f"/versions/{world.version.pk}/#page=1&find=")
    assert "<mark>" in sheet.snippet


def test_nobody_finds_another_departments_case(demo, world):
    assert found(demo.planner, "guardrail") == {("annotation", world.ours.number, "guardrail height")}
    assert kinds(demo.planner, "Hilltop") == []
    assert kinds(demo.planner, "schedule") == []
    assert kinds(demo.building, "guardrail") == ["annotation"]


def test_an_outsider_finds_nothing(demo, world):
    for text in ["fire", "guardrail", "Riverside", world.ours.number, "landing", "sprinkler"]:
        assert kinds(demo.outsider, text) == []


def test_an_applicant_finds_only_what_was_released_to_them(demo, world):
    assert kinds(demo.applicant, "Riverside") == ["case"]
    assert kinds(demo.applicant, "stair") == ["sheet"]
    assert kinds(demo.applicant, "guardrail") == ["annotation"]  # released; not the other case's
    assert kinds(demo.applicant, "landing") == ["comment"]  # a reply shared with them
    for hidden in ["sprinkler", "handrail", "egress", "Hilltop", "schedule"]:
        assert kinds(demo.applicant, hidden) == [], hidden


def test_staff_see_every_case(demo, world):
    assert kinds(demo.admin, "guardrail") == ["annotation", "annotation"]


def test_web_search_syntax(demo, world):
    assert kinds(demo.planner, '"fire rated door"') == ["sheet"]
    assert kinds(demo.planner, '"door fire"') == []  # a phrase keeps its order
    assert kinds(demo.planner, "stair door") == ["sheet"]  # every word
    assert kinds(demo.planner, "stair schedule") == []
    assert kinds(demo.planner, "sprinkler OR handrail") == ["annotation", "annotation"]
    assert kinds(demo.planner, "guardrail -height") == []
    assert kinds(demo.admin, "guardrail -height") == ["annotation"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the pool is PostgreSQL's")
@pytest.mark.parametrize("few_cases", [services.FEW_CASES, 0], ids=["from their cases", "as one query"])
def test_when_the_index_finds_first_what_the_user_may_not_see_the_search_goes_on(demo, world, monkeypatch, few_cases):
    monkeypatch.setattr(services, "POOL", 1)  # the first match only: ours (made first), building may not read it
    monkeypatch.setattr(services, "FEW_CASES", few_cases)
    assert found(demo.building, "guardrail") == {("annotation", world.theirs.number, "guardrail missing")}
    assert found(demo.building, '"fire rated door"') == {("sheet", world.theirs.number, "fire rated door schedule")}
    assert kinds(demo.planner, '"door fire"') == []  # the pool has the words, the phrase checks their order
    assert kinds(demo.applicant, "guardrail") == ["annotation"]
    for text in ["fire", "guardrail", "Riverside", "landing", "sprinkler"]:
        assert kinds(demo.outsider, text) == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="stemming is PostgreSQL's")
def test_postgresql_ranks_stems_and_highlights(demo, world):
    (hit,), _ = services.search(demo.planner, "doors rating")
    assert hit.type == "sheet" and hit.rank > 0
    assert "<mark>door</mark>" in hit.snippet and "<mark>rated</mark>" in hit.snippet
    assert hit.url.endswith("&find=door%20rated") or hit.url.endswith("&find=rated%20door")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the indexes are PostgreSQL's")
def test_each_kind_is_found_through_its_gin_index(demo, world):
    from search import vectors

    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")  # a tiny table: make the planner show what it could use
        for indexed in vectors.ALL:
            cursor.execute(
                f'EXPLAIN SELECT 1 FROM "{indexed.table}" WHERE search_vector @@ websearch_to_tsquery(%s, %s)',
                [indexed.config, "fire"],
            )
            plan = "\n".join(row[0] for row in cursor.fetchall())
            assert indexed.name in plan, plan
        cursor.execute("RESET enable_seqscan")


def test_text_is_escaped_in_snippets(demo, world):
    world.released.text = "guardrail height < 42 in & <b>bold</b>"
    world.released.save()
    (hit,), _ = services.search(demo.planner, "guardrail")
    assert strip(hit.snippet).startswith("guardrail height &lt; 42 in &amp;")
    assert "<b>" not in hit.snippet


def test_paging_is_bounded(demo, world):
    first, more = services.search(demo.admin, "fire OR guardrail OR Riverside", limit=2)
    second, _ = services.search(demo.admin, "fire OR guardrail OR Riverside", offset=2, limit=2)
    assert more and len(first) == 2
    assert not {(h.type, h.url) for h in first} & {(h.type, h.url) for h in second}
    with pytest.raises(BadQuery):
        services.search(demo.admin, "fire", limit=500)


@pytest.mark.parametrize(
    ("text", "message"),
    [("", "Type"), ("   ", "Type"), ("-only", "Type a word"), ("x" * 201, "too long"), ("fi\x00re", "NUL")],
)
def test_bad_searches_are_refused(demo, api_as, text, message):
    response = api_as(demo.planner).get("/api/search/", {"q": text})
    assert response.status_code == 400
    assert message in response.json()["q"][0]


def test_the_api_answers_the_contract(demo, world, api_as, api):
    response = api_as(demo.applicant).get("/api/search/", {"q": "guardrail OR landing"})
    assert response.status_code == 200
    results = response.json()["results"]
    assert {(r["type"], r["case"], r["version"], r["page"]) for r in results} == {
        ("annotation", world.ours.pk, world.version.pk, 1),
        ("comment", world.ours.pk, world.version.pk, 1),
    }
    assert all({"type", "case", "version", "page", "snippet"} <= set(r) for r in results)
    assert api.get("/api/search/", {"q": "guardrail"}).status_code in (401, 403)
    assert api_as(demo.planner).get("/api/search/", {"q": "x", "limit": "many"}).status_code == 400


def test_the_results_page(demo, world, client):
    client.force_login(demo.planner)
    page = client.get("/search/", {"q": "stair"}).content.decode()
    assert f'href="/versions/{world.version.pk}/#page=1&amp;find=stair"' in page
    assert 'id="site-search-q"' in page
    assert client.get("/search/", {"q": "x" * 300}).status_code == 400


def test_parse():
    query = parse('"Fire rated"  door OR gate -stair')
    assert query.groups == [["Fire rated"], ["door", "gate"]]
    assert query.excluded == ["stair"]
    assert query.terms == ["fire rated", "door", "gate"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the statement timeout is PostgreSQL's")
def test_a_kind_past_its_time_is_left_out_and_the_answer_says_so(demo, world, api_as, settings, monkeypatch):
    find = services._postgres

    def slow_sheets(kind, rows, query, wanted, cases):
        if kind.name == "sheet":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_sleep(0.5)")
        return find(kind, rows, query, wanted, cases)

    monkeypatch.setattr(services, "_postgres", slow_sheets)
    settings.SEARCH_TIMEOUT_MS = 100
    answer = api_as(demo.planner).get("/api/search/", {"q": "guardrail OR stair OR Riverside"}).json()
    assert answer["complete"] is False
    assert sorted(r["type"] for r in answer["results"]) == ["annotation", "case"]  # the sheet left out
    settings.SEARCH_TIMEOUT_MS = 5000
    answer = api_as(demo.planner).get("/api/search/", {"q": "guardrail OR stair OR Riverside"}).json()
    assert answer["complete"] is True
    assert sorted(r["type"] for r in answer["results"]) == ["annotation", "case", "sheet"]
