"""Reading the PDFs Polku prints back in tests."""

import io
from collections.abc import Iterator

from pypdf import PdfReader

from audit.printing import stored_path


def read_printed(printed) -> PdfReader:
    """The stored PDF of a printed document or log report (audit.printing keeps both)."""
    return PdfReader(io.BytesIO(stored_path(printed.file_name).read_bytes()))


def text_of(reader: PdfReader) -> str:
    """The text of every page, a page after another."""
    return "\n".join(page.extract_text() for page in reader.pages)


def printed_text(printed) -> str:
    """The text of a printed document or log report (`read_printed`)."""
    return text_of(read_printed(printed))


def printed_words(printed) -> str:
    """The text of a printed document or log report with its words a single space apart:
    lines and table cells wrap where the layout puts them."""
    return " ".join(printed_text(printed).split())


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
