"""The README's speed table, drawn from the JSON that ``make bench`` writes (docs/speed.json).

``make bench`` calls :func:`update_readme`; a test checks that the README's table is exactly what
:func:`render` makes of docs/speed.json, so the two never disagree.
"""

from __future__ import annotations

from pathlib import Path

START = "<!-- speed table: drawn from docs/speed.json by make bench; do not edit by hand -->"
END = "<!-- end of speed table -->"


def _figure(seconds, note: str) -> str:
    if seconds is None:
        return "n/a"
    if "rate" in note:
        return f"{seconds:.1e}"
    return f"{seconds * 1e3:,.1f} ms" if seconds < 1 else f"{seconds:,.2f} s"


def render(record: dict) -> str:
    """The table in markdown, with the date and machine it was measured on."""
    m = record["machine"]
    lines = [START,
             f"Measured {record['measured']} on {m['cores']} cores, Python {m['python']} "
             f"(load average {m['load_average_1m']} at the end of the run).",
             "",
             "Every figure is measured at the size it names; \"÷ previous\" is this run's time over the previous full",
             "run's (below 1: faster).",
             "",
             "| measure | time | ÷ previous | comparison |",
             "|---|---:|---:|---|"]
    for r in record["rows"]:
        measure = r["measure"].strip().replace("|", r"\|")
        k = r.get("ratio_to_previous")
        lines.append(f"| {measure} | {_figure(r['seconds'], r['note'])} | {'new' if k is None else f'{k:.2f}×'} "
                     f"| {r['note'].replace('|', chr(92) + '|')} |")
    lines.append(END)
    return "\n".join(lines)


def update_readme(readme: Path, record: dict) -> None:
    """Replace the README's table (between the markers) with the one ``record`` gives."""
    text = readme.read_text()
    i, j = text.index(START), text.index(END) + len(END)
    readme.write_text(text[:i] + render(record) + text[j:])
