"""Set the marker after one figure in a notebook's markdown: rebind.py NOTEBOOK 'context' 'token' 'kind:ref'
(batch: python -c 'from rebind import rebind; rebind(path, [(context, token, marker), ...])')."""

import re
import sys

import nbformat


def rebind(path: str, items: list[tuple[str, str, str]]) -> None:
    nb = nbformat.read(path, as_version=4)
    for context, token, marker in items:
        pat = re.compile(r"\s+".join(re.escape(w) for w in (context + token).split()) + (r"\s*" if (context + token).endswith(" ") else ""))
        hits = [(c, m) for c in nb.cells if c.cell_type == "markdown" for m in pat.finditer(c.source)]
        if len(hits) != 1:
            raise SystemExit(f"{path}: {len(hits)} places hold {context + token!r}")
        cell, match = hits[0]
        src = cell.source
        at = match.end()
        m = re.match(r"\s*<!--.*?-->", src[at:])
        end = at + (m.end() if m else 0)
        cell.source = src[:at] + f"<!--{marker}-->" + src[end:]
    nbformat.write(nb, path)


if __name__ == "__main__":
    rebind(sys.argv[1], [(sys.argv[2], sys.argv[3], sys.argv[4])])
