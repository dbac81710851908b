"""Peak memory of reading Word zip bombs (issue 20 point 5: a 4.2 MB .docx drove memory to 4.35 GB).

    .venv/bin/python benchmarks/zip_bomb.py [--gb 1]

Builds, in a temporary folder, a .docx whose ``word/document.xml`` inflates to ``--gb`` GB of
spaces, in two versions: with honest zip headers, and with headers that claim 1,000 bytes.
Each is read through :func:`analysis.io.read_plan_file` in a fresh process; the table gives
the time, the error and the peak resident memory (ru_maxrss) of that process.
"""

from __future__ import annotations

import argparse
import io
import struct
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

CHILD = """
import resource, sys, time
from analysis.io import PlanReadError, read_plan_file
t = time.perf_counter()
try:
    read_plan_file(sys.argv[1]); what = "loaded"
except PlanReadError as exc:
    what = exc.reason[:90]
print(f"{time.perf_counter() - t:.1f}\\t{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f}\\t{what}")
"""


def bomb(path: Path, gb: float, lie: bool) -> None:
    from docx import Document

    buf = io.BytesIO()
    Document().save(buf)
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            if info.filename != "word/document.xml":
                z.writestr(info, src.read(info))
                continue
            head, tail = src.read(info).split(b"</w:body>")
            with z.open("word/document.xml", "w", force_zip64=True) as fh:
                fh.write(head + b"<w:p><w:r><w:t>")
                chunk = b" " * 2**20
                for _ in range(int(gb * 1024)):
                    fh.write(chunk)
                fh.write(b"</w:t></w:r></w:p></w:body>" + tail)
    if lie:
        raw = bytearray(path.read_bytes())
        i = raw.find(b"word/document.xml", raw.find(b"PK\x01\x02")) - 46
        # zip64 entries keep the real size in an extra field: claim 1,000 bytes in both places
        raw[i + 24 : i + 28] = struct.pack("<I", 1000)
        extra = raw.find(b"\x01\x00", i + 46 + 17)
        if extra != -1 and extra < i + 46 + 17 + 8:
            raw[extra + 4 : extra + 12] = struct.pack("<Q", 1000)
        path.write_bytes(bytes(raw))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--gb", type=float, default=1.0)
    args = ap.parse_args()
    print("| bomb | .docx MB | inflates to | seconds | peak MB | result |\n|---|---:|---:|---:|---:|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for lie in (False, True):
            path = Path(tmp) / ("lying.docx" if lie else "honest.docx")
            bomb(path, args.gb, lie)
            out = subprocess.run([sys.executable, "-c", CHILD, str(path)], capture_output=True, text=True)
            secs, peak, what = (out.stdout.strip().split("\t") + ["", "", out.stderr[-200:]])[:3]
            print(f"| {'headers lie' if lie else 'honest headers'} | {path.stat().st_size / 2**20:.1f} | "
                  f"{args.gb:g} GB | {secs} | {peak} | {what} |", flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
