#!/usr/bin/env python3
"""What the manual pages must name, and what they leave out.

  doc-terms.py fields REPORT.json...   every field name of the reports,
                                       one a line
  doc-terms.py missing PAGE            the names on stdin that PAGE does
                                       not set in bold or italics, one
                                       a line ("--flag" names: anywhere)

A field is every key of every object, at any depth, except the keys of
the maps keyed by data (metric names, status codes, HTTP versions).
"""
import json
import re
import sys

# Objects whose keys are data, not field names.
DATA_MAPS = {'metrics', 'status', 'http_versions'}

FONT_MACROS = ('.B', '.I', '.BR', '.RB', '.BI', '.IB', '.IR', '.RI',
               '.SB', '.SM')


def fields(paths):
    names = set()

    def walk(v):
        if isinstance(v, dict):
            for k, x in v.items():
                names.add(k)
                if k in DATA_MAPS and isinstance(x, dict):
                    for y in x.values():
                        walk(y)
                else:
                    walk(x)
        elif isinstance(v, list):
            for x in v:
                walk(x)

    for p in paths:
        with open(p) as f:
            walk(json.load(f))
    for n in sorted(names):
        print(n)


def plain(text):
    text = text.replace('\\-', '-').replace('\\&', '').replace('\\e', '\\')
    return re.sub(r'\\f(\(..|\[[^]]*\]|.)', '', text)


def terms(page):
    """The words the page sets in bold or italics."""
    words = set()
    with open(page) as f:
        lines = f.read().split('\n')
    for line in lines:
        spans = re.findall(r'\\f[BI](.*?)(?=\\f|$)', line)
        head = line.split(' ', 1)
        if head[0] in FONT_MACROS and len(head) > 1:
            spans.append(head[1])
        for s in spans:
            words.update(w for w in re.split(r'[^A-Za-z0-9_-]+', plain(s))
                         if w)
    return words, plain('\n'.join(lines))


def missing(page):
    words, text = terms(page)
    for name in sys.stdin.read().split():
        if name.startswith('-'):
            found = re.search(r'(?<![\w-])' + re.escape(name) +
                              r'(?![\w-])', text)
        else:
            found = name in words
        if not found:
            print(name)


def main():
    if len(sys.argv) >= 3 and sys.argv[1] == 'fields':
        fields(sys.argv[2:])
    elif len(sys.argv) == 3 and sys.argv[1] == 'missing':
        missing(sys.argv[2])
    else:
        sys.stderr.write(__doc__)
        return 2
    return 0


if __name__ == '__main__':
    sys.exit(main())
