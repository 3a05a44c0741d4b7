# Dumps the Unicode data the IDNA table generator needs, one JSON object on stdout:
#   uts46:   [[start, status, mapping|null], ...]  (IdnaMappingTable rows as ranges;
#            status V valid, M mapped, D deviation, I ignored, X disallowed)
#   joining: [[codepoint, "D"|"L"|"R"|"T"|"C"|"U"], ...]  (Joining_Type, non-U only)
#   virama:  [codepoint, ...]  (Canonical_Combining_Class = 9)
#   bidi:    [[codepoint, class], ...]  (Bidi_Class for every assigned code point)
#   assigned:[[start, end], ...]  (ranges assigned in Python's unicodedata)
# Source: the `idna` PyPI package (its uts46data and idnadata modules carry the Unicode
# IDNA mapping table and Joining_Type) and Python's unicodedata.
import json, sys, unicodedata
import idna.uts46data as u
import idna.idnadata as d

rows = [[r[0], r[1], r[2] if len(r) > 2 else None] for r in u.uts46data]
jt = d.joining_types()
joining = sorted([cp, chr(v)] for cp, v in jt.items())
virama = [cp for cp in range(0x110000) if unicodedata.combining(chr(cp)) == 9]
bidi = []
assigned = []
start = None
for cp in range(0x110000):
    ch = chr(cp)
    cat = unicodedata.category(ch)
    ok = cat != "Cn"
    if ok and start is None:
        start = cp
    if not ok and start is not None:
        assigned.append([start, cp - 1]); start = None
    if ok:
        bidi.append([cp, unicodedata.bidirectional(ch)])
if start is not None:
    assigned.append([start, 0x10FFFF])
json.dump({"uts46version": u.__version__, "unidata": unicodedata.unidata_version, "uts46": rows,
           "joining": joining, "virama": virama, "bidi": bidi, "assigned": assigned}, sys.stdout)
