"""Reading the PDFs Polku prints back in tests."""

from collections.abc import Iterator

from pypdf import PdfReader


def structure_elements(reader: PdfReader) -> Iterator[dict]:
    """Every element of the tagged PDF's structure tree, depth first (from the root's kids)."""

    def walk(node) -> Iterator[dict]:
        node = node.get_object()
        yield node
        kids = node.get("/K", [])
        for kid in kids if isinstance(kids, list) else [kids]:
            kid = kid.get_object() if hasattr(kid, "get_object") else kid
            if isinstance(kid, dict) and "/S" in kid:
                yield from walk(kid)

    yield from walk(reader.trailer["/Root"]["/StructTreeRoot"])
