"""`{% module_preloads "js/viewer/viewer.js" %}`: a `<link rel="modulepreload">` for a page's
entry module and every module it imports, found by reading the static files — so the browser
fetches them all at once instead of discovering them an import level at a time, and no list
of them is kept by hand."""

import posixpath
import re
from functools import cache

from django import template
from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.utils.html import format_html_join

register = template.Library()

# `import … from "./x.js"`, `export … from "../y.js"` and `import "./z.js"`: relative, static imports.
RELATIVE_IMPORT = re.compile(r"""^\s*(?:import|export)\b[^;'"]*?(?:\bfrom\s*)?["'](\.\.?/[^"']+)["']""", re.M)


@cache  # the static files do not change while a server runs
def module_graph(entry):
    """The static paths of `entry` and every module it imports, each once, the entry first."""
    found, queue = [], [entry]
    while queue:
        path = queue.pop(0)
        if path in found:
            continue
        source = finders.find(path)
        if source is None:
            raise template.TemplateSyntaxError(f"No static module {path!r} (imported by the page's modules).")
        found.append(path)
        with open(source, encoding="utf-8") as file:
            imports = RELATIVE_IMPORT.findall(file.read())
        queue += [posixpath.normpath(posixpath.join(posixpath.dirname(path), name)) for name in imports]
    return tuple(found)


@register.simple_tag
def module_preloads(entry):
    return format_html_join(
        "\n", '<link rel="modulepreload" href="{}">', ((static(path),) for path in module_graph(entry))
    )
