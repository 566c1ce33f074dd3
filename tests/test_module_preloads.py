"""The viewer's module preloads are generated from its imports: every module it loads is
preloaded, each once, and nothing it does not load."""

from pathlib import Path

import pytest
from django.template import TemplateSyntaxError

from civicreview.templatetags.modules import RELATIVE_IMPORT, module_graph, module_preloads

STATIC = Path(__file__).resolve().parents[1] / "static"


def test_the_viewer_preloads_every_module_of_the_viewer_and_the_markup_layer():
    graph = module_graph("js/viewer/viewer.js")
    assert graph[0] == "js/viewer/viewer.js" and len(graph) == len(set(graph))
    for folder in ("viewer", "markup"):
        for module in (STATIC / "js" / folder).glob("*.js"):
            assert f"js/{folder}/{module.name}" in graph, f"{module.name} is not reached from the viewer"
    assert {"js/api.js", "js/realtime.js", "js/progress.js"} <= set(graph)
    assert not {"js/upload.js", "js/case.js"} & set(graph)  # other pages' modules


def test_imports_of_every_shape_are_followed():
    source = """import { a,
      b } from "./one.js";
    import "../two.js";
    export { c } from './three.js';
    import * as d from "./four.js";
    const e = await import(somewhere);  // dynamic: not preloaded
    import { f } from "pdfjs-dist";  // bare: not a static file
    """
    assert RELATIVE_IMPORT.findall(source) == ["./one.js", "../two.js", "./three.js", "./four.js"]


def test_a_missing_module_is_named():
    module_graph.cache_clear()
    with pytest.raises(TemplateSyntaxError, match="js/nowhere.js"):
        module_preloads("js/nowhere.js")
    assert str(module_preloads("js/api.js")).startswith('<link rel="modulepreload" href="/static/js/api.js">')
