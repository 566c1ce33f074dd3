"""What makes a PDF tagged, for the tests of the letters and the markup summary: marked, with a
language and a structure tree whose depth-first order is the order its content is drawn in."""

import io

import pikepdf


def structure(pdf_bytes):
    """The structure elements' types in reading order (the tree walked depth first), after
    checking that the PDF says it is tagged and that the tree's marked content follows the pages'
    drawing order."""
    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        assert pdf.Root.MarkInfo.Marked is True
        assert str(pdf.Root.Lang) == "en"
        pages = {page.objgen: number for number, page in enumerate(pdf.pages)}
        types, marks = [], []
        _walk(pdf.Root.StructTreeRoot.K, None, pages, types, marks)
    assert types and marks, "an empty structure tree"
    assert marks == sorted(marks), "the structure tree is not in the order the pages are drawn"
    return types


def _walk(node, page, pages, types, marks):
    if isinstance(node, pikepdf.Array):
        for kid in node:
            _walk(kid, page, pages, types, marks)
    elif isinstance(node, pikepdf.Dictionary):
        page = pages.get(node.Pg.objgen, page) if "/Pg" in node else page
        if "/S" in node:
            types.append(str(node.S).lstrip("/"))
            if "/K" in node:
                _walk(node.K, page, pages, types, marks)
        elif "/MCID" in node:
            marks.append((page, int(node.MCID)))
    elif isinstance(node, int):
        marks.append((page, node))


def in_order(types, *wanted):
    """Whether `wanted` occur in `types` in this order (others between them)."""
    rest = iter(types)
    return all(any(t == w for t in rest) for w in wanted)
