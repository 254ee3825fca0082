"""Reading ``model.summary()`` tables, ours or as the books print them, into comparable rows."""

import re

_ROW = re.compile(r"^(\S+) \((\w+)\)\s+(\([^)]*\)|multiple)\s+([\d,]+)")
_TOTAL = re.compile(r"^(Total|Trainable|Non-trainable) params:\s*([\d,]+)")


def parse_summary(lines):
    """Rows (name, type, output shape, params) and totals {Total, Trainable, Non-trainable} of a summary,
    printed by Keras (fixed columns) or as the books typeset it (tab-separated, rule lines dropped)."""
    rows, totals = [], {}
    for line in lines:
        line = line.strip()
        m = _ROW.match(line)
        if m:
            rows.append((m[1], m[2], m[3], int(m[4].replace(",", ""))))
        m = _TOTAL.match(line)
        if m:
            totals[m[1]] = int(m[2].replace(",", ""))
    return rows, totals


# Our own summaries printed wide enough that no cell is cut: a row's shape may be a list (a layer with several
# outputs), and graph summaries carry "Connected to" cells, the first on the row and the others below it.
_WIDE_ROW = re.compile(r"^(\S+) \((\w+)\)\s+(\[.*?\]|\([^)]*\)|multiple)\s+(\d+)\s*(\S+\[\d+\]\[\d+\])?\s*$")
_MORE = re.compile(r"^\s+(\S+\[\d+\]\[\d+\])\s*$")
_WIDE_TOTAL = re.compile(r"^(Total|Trainable|Non-trainable) params: ([\d,]+)$")


def read_summary(model, line_length=240):
    """(rows, totals) of ``model.summary(line_length)``: rows are (name, type, output shape, params), with a fifth
    item for graph models, the tuple of their "Connected to" cells."""
    lines = []
    model.summary(line_length=line_length, print_fn=lines.append)
    graph = "Connected to" in lines[1]
    rows, totals = [], {}
    for line in lines:
        m = _WIDE_ROW.match(line)
        if m:
            rows.append((m[1], m[2], m[3], int(m[4])) + ((tuple(c for c in [m[5]] if c),) if graph else ()))
            continue
        m = _MORE.match(line)
        if m and graph and rows:
            rows[-1] = rows[-1][:4] + (rows[-1][4] + (m[1],),)
            continue
        m = _WIDE_TOTAL.match(line)
        if m:
            totals[m[1]] = int(m[2].replace(",", ""))
    return rows, totals
