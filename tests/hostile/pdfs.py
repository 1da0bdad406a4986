"""Hostile PDFs, built byte by byte (pdfgen makes only honest ones)."""

from __future__ import annotations

import zlib

from classroom_ops.pdfgen import assemble


def _assemble(objects: list[bytes], root: int) -> bytes:
    return assemble(objects, root, version=b"1.5")


def shared_stream_pdf(pages: int = 30, target_compressed: int = 70_000) -> bytes:
    """`pages` pages that all draw one compressed content stream, which inflates to tens of
    megabytes of text-drawing operators: small on disk, minutes for a naive text extractor."""
    op = b"BT /F1 10 Tf 72 700 Td (lorem ipsum dolor sit amet) Tj ET\n"
    stream = b""
    chunk = op * 20_000
    comp = zlib.compressobj(9)
    data = b""
    while len(data) < target_compressed:
        data += comp.compress(chunk)
        stream_len = len(data)
        if stream_len > target_compressed:
            break
        data += comp.flush(zlib.Z_FULL_FLUSH)
    data += comp.flush()
    stream = data
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
               b"<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream" % (
                   len(stream), stream)]
    kids = []
    for _ in range(pages):
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
                       b"/Resources << /Font << /F1 3 0 R >> >> /Contents 4 0 R >>")
        kids.append(len(objects))
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
        b" ".join(b"%d 0 R" % k for k in kids), len(kids))
    return _assemble(objects, 1)


def encrypted(data: bytes, user_password: str = "secret", owner_password: str = "owner") -> bytes:
    """`data` encrypted with pypdf: a user password locks it; an empty one only restricts it."""
    import io

    import pypdf

    writer = pypdf.PdfWriter(clone_from=io.BytesIO(data))
    writer.encrypt(user_password=user_password, owner_password=owner_password,
                   algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def with_toc(body_pages: int = 20) -> bytes:
    """A report whose page 1 is a table of contents ending with "References": 22 pages, the
    references on the last one."""
    from classroom_ops.pdfgen import filler, make_pdf

    sections = ("Abstract", "Introduction", "Related Work", "Methods", "Experiments",
                "Conclusion")
    toc = ["Final Report", "Contents"] + [f"{i + 1} {s} {i + 2}" for i, s in enumerate(sections)]
    toc.append(f"References {body_pages + 2}")
    pages = [toc] + [["Final Report"] + filler(300, seed=i) for i in range(body_pages)]
    pages.append(["References"] + [f"[{k}] A. Author. A paper. In NeurIPS, 2024."
                                   for k in range(1, 11)])
    return make_pdf(pages)


def many_streams_pdf(streams: int = 40, each: int = 1_000_000) -> bytes:
    """One page whose /Contents lists `streams` streams of `each` inflated bytes: every stream
    is small, together they are large."""
    op = b"BT /F1 10 Tf 72 700 Td (lorem ipsum) Tj ET\n"
    body = zlib.compress(op * (each // len(op)), 9)
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>", b"",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    refs = []
    for _ in range(streams):
        objects.append(b"<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream"
                       % (len(body), body))
        refs.append(b"%d 0 R" % len(objects))
    objects[2] = (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font "
                  b"<< /F1 4 0 R >> >> /Contents [" + b" ".join(refs) + b"] >>")
    return _assemble(objects, 1)
