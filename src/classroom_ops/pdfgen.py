"""A tiny PDF writer: pages of Helvetica text, nothing else, no dependencies.

It exists so demos and tests can make real PDFs (that pypdf, browsers and the deliverable rules
read like any other) without installing reportlab. Each line is drawn as its own text object,
so text extraction returns it as its own line. Lines that do not fit on the page are drawn
below its bottom edge: still in the file and in extracted text, just not visible.
"""

from __future__ import annotations

PAGE_WIDTH, PAGE_HEIGHT = 612, 792  # US Letter, points
MARGIN = 72
FONT_SIZE = 10
LEADING = 13


def _pdf_string(text: str) -> bytes:
    # WinAnsiEncoding is close enough to Latin-1 for demo text; anything else becomes "?".
    raw = text.encode("latin-1", errors="replace")
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def _content(lines: list[str]) -> bytes:
    out = []
    y = PAGE_HEIGHT - MARGIN
    for line in lines:
        clean = line.replace("\r", " ").replace("\n", " ")
        out.append(b"BT /F1 %d Tf %d %d Td %s Tj ET" % (FONT_SIZE, MARGIN, y, _pdf_string(clean)))
        y -= LEADING
    return b"\n".join(out) + b"\n"


def make_pdf(pages: list[list[str]], *, title: str | None = None) -> bytes:
    """A PDF 1.4 file with one page per item of `pages`, each a list of text lines."""
    if not pages:
        raise ValueError("a PDF needs at least one page")
    objects: list[bytes] = []  # object n is objects[n - 1]

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    catalog = add(b"")  # filled in once the page tree exists
    tree = add(b"")
    font = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    kids = []
    for lines in pages:
        stream = _content(lines)
        content = add(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream))
        kids.append(
            add(
                b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 %d %d] "
                b"/Resources << /Font << /F1 %d 0 R >> >> /Contents %d 0 R >>"
                % (tree, PAGE_WIDTH, PAGE_HEIGHT, font, content)
            )
        )
    objects[tree - 1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
        b" ".join(b"%d 0 R" % k for k in kids),
        len(kids),
    )
    objects[catalog - 1] = b"<< /Type /Catalog /Pages %d 0 R >>" % tree
    info = add(b"<< /Title %s /Producer (classroom-ops pdfgen) >>" % _pdf_string(title or ""))

    return assemble(objects, catalog, info=info)


def assemble(objects: list[bytes], root: int, *, info: int | None = None,
             version: bytes = b"1.4") -> bytes:
    """A PDF file from its numbered objects (object n is objects[n-1]): header, bodies, the
    cross-reference table and the trailer naming the catalog `root` (and `info`)."""
    # The binary comment tells transfer tools the file is not 7-bit text.
    out = bytearray(b"%PDF-" + version + b"\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (n, body)
    xref = len(out)
    # Each xref entry is exactly 20 bytes, its end-of-line included.
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    trailer = b"<< /Size %d /Root %d 0 R" % (len(objects) + 1, root)
    if info is not None:
        trailer += b" /Info %d 0 R" % info
    out += b"trailer\n%s >>\nstartxref\n%d\n%%%%EOF\n" % (trailer, xref)
    return bytes(out)


def filler(words: int, seed: int = 0) -> list[str]:
    """Body-text lines of about `words` words, for sample documents."""
    vocab = (
        "we train the model with data parallel sharded optimizer states across many "
        "accelerators and measure throughput memory and loss at several scales"
    ).split()
    line, lines = [], []
    for i in range(words):
        line.append(vocab[(i * 7 + seed) % len(vocab)])
        if len(line) == 12:
            lines.append(" ".join(line))
            line = []
    if line:
        lines.append(" ".join(line))
    return lines


def sample_report(
    body_pages: int = 8,
    reference_pages: int = 1,
    sections: tuple[str, ...] = (
        "Abstract",
        "Introduction",
        "Related Work",
        "Methods",
        "Experiments",
        "Discussion",
        "Conclusion",
    ),
    title: str = "Sample Report",
) -> bytes:
    """A NeurIPS-shaped report: numbered section headings spread over `body_pages` pages,
    then a References heading at the top of the next page (unless `reference_pages` is 0)."""
    pages: list[list[str]] = [[title] for _ in range(body_pages)]
    for i, name in enumerate(sections):
        page = pages[min(i * body_pages // max(len(sections), 1), body_pages - 1)]
        page.append(name if name == "Abstract" else f"{i} {name}")
        page.extend(filler(60, seed=i))
    for page in pages:
        if len(page) == 1:
            page.extend(filler(120))
    for r in range(reference_pages):
        pages.append(
            (["References"] if r == 0 else [])
            + [f"[{r * 10 + k}] A. Author. A paper." for k in range(1, 11)]
        )
    return make_pdf(pages, title=title)
