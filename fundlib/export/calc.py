"""A real spreadsheet engine for the Excel export (the tests and ``scripts/excel_picture.py`` behind
every notebook's Export to Excel): LibreOffice Calc, headless, forced to recalculate every formula
on load, converting workbooks in one call; and a sheet as HTML for a picture.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

__all__ = ["find_soffice", "recalculate", "render_html", "RECALC_PROFILE"]

# LibreOffice's own settings: recalculate OOXML and ODF files on load, always (0), never trusting a
# cached value; written into a throw-away user profile so a reader's own settings play no part.
RECALC_PROFILE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""
# Harmless lines LibreOffice prints on a machine without Java.
_NOISE = ("failed to launch javaldx", "java may not function correctly")


def find_soffice() -> str | None:
    """The LibreOffice executable (``soffice`` or ``libreoffice`` on PATH), or None."""
    for name in ("soffice", "libreoffice"):
        exe = shutil.which(name)
        if exe:
            return exe
    return None


def _run(args: list[str], outdir: Path, timeout: float) -> str:
    exe = find_soffice()
    if exe is None:
        raise FileNotFoundError("LibreOffice (soffice) is not installed: apt-get install libreoffice-calc-nogui")
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="fundlib-lo-") as prof:
        user = Path(prof) / "user"
        user.mkdir()
        (user / "registrymodifications.xcu").write_text(RECALC_PROFILE)
        env = {**os.environ, "HOME": prof}
        cmd = [exe, f"-env:UserInstallation={Path(prof).as_uri()}", "--headless", "--norestore", "--nolockcheck",
               *args, "--outdir", str(outdir)]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env, stdin=subprocess.DEVNULL)
    noise = [ln for ln in (done.stdout + "\n" + done.stderr).splitlines()
             if ln.strip() and not ln.startswith("convert ") and not any(n in ln for n in _NOISE)]
    if done.returncode != 0 or noise:
        raise RuntimeError(f"LibreOffice exited {done.returncode}: " + " | ".join(noise))
    return done.stdout


def recalculate(paths, outdir, timeout: float = 300.0) -> list[Path]:
    """Open each workbook in LibreOffice Calc, recalculate every formula (forced, whatever is cached)
    and save it as .xlsx in ``outdir`` under the same name; one LibreOffice start for all of them.
    Raises RuntimeError if LibreOffice fails or prints any warning."""
    paths = [Path(p) for p in paths]
    outdir = Path(outdir)
    if any(p.parent.resolve() == outdir.resolve() for p in paths):
        raise ValueError("outdir must differ from the workbooks' folder (the results keep their names)")
    _run(["--convert-to", "xlsx:Calc MS Excel 2007 XML", *map(str, paths)], outdir, timeout)
    out = [outdir / p.name for p in paths]
    missing = [str(p) for p in out if not p.exists()]
    if missing:
        raise RuntimeError(f"LibreOffice wrote no {', '.join(missing)}")
    return out


def render_html(path, outdir, timeout: float = 300.0) -> Path:
    """The workbook, recalculated, as one HTML page with a table per sheet (LibreOffice's HTML export)."""
    path, outdir = Path(path), Path(outdir)
    _run(["--convert-to", "html", str(path)], outdir, timeout)
    out = outdir / (path.stem + ".html")
    if not out.exists():
        raise RuntimeError(f"LibreOffice wrote no {out}")
    return out
