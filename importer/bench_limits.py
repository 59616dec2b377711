"""Import limits in figures: `python -m importer.bench_limits [--code DIR]`.

Each case runs in a fresh process (time and peak memory of that process):
- an xlsx bomb: a ~1 MB workbook whose sheet inflates to ~232 MB of XML, without the kind's columns;
- a ledger CSV of 200 000 rows / ~65 MB (long summaries), over the default ledger caps;
- a ledger CSV of 100 000 rows within the caps (what a big university really imports).
"imports alone" is the process's peak after importing the packages, before reading the file.
`--code DIR` runs the same cases against another checkout (e.g. the code before the limits).
"""
from __future__ import annotations

import argparse
import io
import json
import os
import random
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

_CT = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
       '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
       '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
       '<Default Extension="xml" ContentType="application/xml"/>'
       '<Override PartName="/xl/workbook.xml" '
       'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
       '<Override PartName="/xl/worksheets/sheet1.xml" '
       'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>')
_RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
         '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
         '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
         'officeDocument" Target="xl/workbook.xml"/></Relationships>')
_WB = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
       '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
       'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
       '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>')
_WB_RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'worksheet" Target="worksheets/sheet1.xml"/></Relationships>')


def xlsx_bomb(unzipped_mb: int = 231) -> bytes:
    """A valid workbook whose one sheet is `unzipped_mb` MB of XML rows (no header the importer knows)."""
    rng = random.Random(18)
    cells = '<c t="inlineStr"><is><t>填充内容</t></is></c>' * 21
    buf = io.BytesIO()
    target = unzipped_mb * 1_000_000
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as z:
        z.writestr("[Content_Types].xml", _CT)
        z.writestr("_rels/.rels", _RELS)
        z.writestr("xl/workbook.xml", _WB)
        z.writestr("xl/_rels/workbook.xml.rels", _WB_RELS)
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as f:
            head = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
            f.write(head.encode())
            written, n = len(head), 1
            while written < target:
                # a little noise a row: deflate packs ~265 bytes of XML into one
                chunk = "".join(f'<row>{cells}<c><v>{d}</v></c></row>' for d in rng.choices("0123", k=2_000))
                data = chunk.encode()
                f.write(data)
                written += len(data)
                n += 2_000
            f.write(b"</sheetData></worksheet>")
    return buf.getvalue()


def ledger_csv(rows: int, summary_chars: int) -> bytes:
    lines = ["工号,日期,类型,场所,班级编号,学生人数,时长,内容"]
    filler = "走访学生宿舍了解学习生活情况" * (summary_chars // 14 + 1)
    for i in range(rows):
        lines.append(f"T{i % 800:04d},2025-{9 + i % 4:02d}-{1 + i % 28:02d},面对面交流,宿舍,C{i % 500:04d},"
                     f"{i % 40},{30 + i % 90},第{i}次{filler[:summary_chars]}")
    return "\n".join(lines).encode("utf-8")


_CHILD = """
import json, resource, sys, time
from importer import ImportFailed, read_file
u0 = resource.getrusage(resource.RUSAGE_SELF)
base, cpu0 = u0.ru_maxrss / 1024, u0.ru_utime + u0.ru_stime
t = time.perf_counter()
try:
    df = read_file(sys.argv[1], sys.argv[2])
    outcome = f"read {len(df)} rows"
except ImportFailed as e:
    outcome = "refused: " + e.problems[0].message("en")[:150]
secs = time.perf_counter() - t
u = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"seconds": secs, "cpu": u.ru_utime + u.ru_stime - cpu0, "peak_mb": u.ru_maxrss / 1024,
                  "base_mb": base, "outcome": outcome}))
"""


def run_case(code: Path, kind: str, path: Path, env_over: dict[str, str]) -> dict:
    env = {**os.environ, "PYTHONPATH": str(code), **env_over}
    out = subprocess.run([sys.executable, "-c", _CHILD, kind, str(path)], cwd=code, env=env, capture_output=True,
                         text=True, timeout=1800, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--code", default=str(Path(__file__).resolve().parent.parent),
                    help="checkout whose importer is measured (default: this one)")
    args = ap.parse_args(argv)
    code = Path(args.code).resolve()
    with tempfile.TemporaryDirectory() as tmp:
        cases = []
        bomb = Path(tmp) / "bomb.xlsx"
        bomb.write_bytes(xlsx_bomb())
        with zipfile.ZipFile(bomb) as z:
            inflated = sum(i.file_size for i in z.infolist())
        label = f"xlsx bomb {bomb.stat().st_size / 1e6:.2f} MB -> {inflated / 1e6:.0f} MB"
        cases.append((label, "ledger", bomb, {}))
        # with the unzipped cap lifted, the header check alone stops it (only the first rows are read)
        cases.append((label + ", cap lifted", "ledger", bomb, {"YIXIAN_IMPORT_MAX_UNZIPPED_MB": "100000"}))
        big = Path(tmp) / "ledger-200k.csv"
        big.write_bytes(ledger_csv(200_000, 86))
        label = f"ledger csv 200 000 rows, {big.stat().st_size / 1e6:.0f} MB"
        cases.append((label, "ledger", big, {}))
        cases.append((label + ", caps lifted", "ledger", big,
                      {"YIXIAN_IMPORT_MAX_MB": "1000", "YIXIAN_IMPORT_MAX_ROWS": "1000000"}))
        ok = Path(tmp) / "ledger-100k.csv"
        ok.write_bytes(ledger_csv(100_000, 20))
        cases.append((f"ledger csv 100 000 rows, {ok.stat().st_size / 1e6:.0f} MB", "ledger", ok, {}))
        print(f"importer at {code}")
        for label, kind, path, env in cases:
            r = run_case(code, kind, path, env)
            print(f"  {label:46s} {r['seconds']:8.3f} s ({r['cpu']:7.3f} s CPU)  peak {r['peak_mb']:5.0f} MB "
                  f"(imports alone {r['base_mb']:.0f} MB)  {r['outcome']}")


if __name__ == "__main__":
    main()
