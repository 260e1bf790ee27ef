#!/usr/bin/env python3
"""The tree's rules, checked over the sources; prints TAP.

  - curses is included in ui/ only;
  - a module's -int.h is included by that module's files only;
  - a folder includes headers of the folders below it only (LAYERS), so
    ui/, src/report/ and src/judge/ never see src/engine/;
  - every function a file exports starts with its module's prefix, and
    is used by another file (else it is static);
  - no function body is longer than FUNC_MAX lines, no file longer than
    FILE_MAX (data tables are not functions).

usage: layout.py SRCDIR [BUILDDIR]   (BUILDDIR: where the objects are, for
the unused-export check; skipped without it)
"""
import os
import re
import subprocess
import sys

FUNC_MAX = 80
FILE_MAX = 600

# Which folders each folder may include from ("top" is src/ itself).
LAYERS = {
    'src/base': {'src/base'},
    'src/scenario': {'src/base', 'src/scenario'},
    'src/monitor': {'src/base', 'src/monitor'},
    'top': {'top', 'src/base', 'src/monitor'},
    'src/judge': {'top', 'src/base', 'src/scenario', 'src/monitor',
                  'src/judge'},
    'src/engine': {'top', 'src/base', 'src/scenario', 'src/monitor',
                   'src/judge', 'src/engine'},
    'src/report': {'top', 'src/base', 'src/scenario', 'src/monitor',
                   'src/judge', 'src/report'},
    'ui': {'top', 'src/base', 'src/scenario', 'src/monitor', 'src/judge',
           'ui'},
    'src/cli': {'top', 'src/base', 'src/scenario', 'src/monitor',
                'src/judge', 'src/engine', 'src/report', 'ui', 'src/cli'},
    'src/target': {'src/base', 'src/target'},
}

# A module's prefix is its file name up to the first '-' (engine-run.c:
# engine_), or the whole name (proc-find.c: proc_find_ or proc_).  These
# files export names of another form, on purpose.
PREFIX_EXTRA = {
    'src/base/util.c': ('x',),      # xmalloc and friends, as everywhere
    'src/cli/main.c': ('main',),
    'src/target/target-main.c': ('main',),
    # Name functions of the monitor's published view (monitor-view.h).
    'src/monitor/leak.c': ('leak_',),
    'src/monitor/monitor.c': ('monitor_',),
}

tests = []


def ok(cond, name, diag=()):
    tests.append((bool(cond), name, list(diag)))


def sources(srcdir):
    out = []
    for top in ('src', 'ui'):
        for d, _, fs in os.walk(os.path.join(srcdir, top)):
            for f in sorted(fs):
                if f.endswith(('.c', '.h')):
                    p = os.path.join(d, f)
                    out.append(os.path.relpath(p, srcdir))
    return sorted(out)


def folder_of(rel):
    d = os.path.dirname(rel)
    return 'top' if d == 'src' else d


def header_index(files):
    idx = {}
    for f in files:
        if f.endswith('.h'):
            idx.setdefault(os.path.basename(f), []).append(f)
    return idx


def includes(text):
    return re.findall(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]', text, re.M)


def check_includes(srcdir, files, texts):
    idx = header_index(files)
    curses, internal, layers, dup = [], [], [], []
    for name, paths in idx.items():
        if len(paths) > 1:
            dup.append('%s: %s' % (name, ' '.join(paths)))
    for f in files:
        folder = folder_of(f)
        for kind, inc in includes(texts[f]):
            base = os.path.basename(inc)
            if re.match(r'n?curses(w)?[./]|ncursesw/', inc) or \
                    base in ('curses.h', 'ncurses.h', 'term.h'):
                if folder != 'ui':
                    curses.append('%s includes <%s>' % (f, inc))
            if kind != '"' or base == 'config.h':
                continue
            targets = idx.get(base)
            if not targets:
                continue
            h = targets[0]
            hfolder = folder_of(h)
            if base.endswith('-int.h'):
                module = base[:-len('-int.h')]
                mine = os.path.basename(f)
                # The module is the files named after it, or the whole
                # folder when the folder bears its name (ui/ui-int.h).
                whole = os.path.basename(hfolder) == module
                if hfolder != folder or not (whole or
                                             mine == module + '.c' or
                                             mine.startswith(module + '-') or
                                             mine.startswith(module + '.')):
                    internal.append('%s includes %s' % (f, h))
            if hfolder not in LAYERS.get(folder, set()):
                layers.append('%s includes %s' % (f, h))
    ok(not dup, 'header names are unique across folders', dup)
    ok(not curses, 'curses is included in ui/ only', curses)
    ok(not internal, 'a -int.h is included by its own module only',
       internal)
    ok(not layers, 'each folder includes only the folders below it',
       layers)
    engine_from = [x for x in layers
                   if x.startswith(('ui/', 'src/report/', 'src/judge/')) and
                   ' src/engine/' in x]
    ok(not engine_from, 'ui/, src/report/ and src/judge/ include no engine '
       'header', engine_from)


FUNC_RE = re.compile(r'^([A-Za-z_][A-Za-z0-9_]*)\((.*)$')


def functions(text):
    """(name, static, first line, body lines) of each definition."""
    lines = text.split('\n')
    out = []
    i = 0
    while i < len(lines):
        m = FUNC_RE.match(lines[i])
        if m and i > 0 and lines[i - 1].strip() and \
                not lines[i - 1].rstrip().endswith((';', ',', '\\')):
            # The body opens with '{' alone at column 0 after the head.
            j = i
            while j < len(lines) and lines[j] != '{':
                if lines[j].rstrip().endswith(';'):
                    break
                j += 1
            if j < len(lines) and lines[j] == '{':
                k = j + 1
                while k < len(lines) and lines[k] != '}':
                    k += 1
                rtype = lines[i - 1]
                out.append((m.group(1), rtype.startswith('static') or
                            ' static ' in rtype, i + 1, k - j - 1))
                i = k
        i += 1
    return out


def prefixes(rel):
    base = os.path.basename(rel)[:-2]
    pre = {base.replace('-', '_') + '_', base.split('-')[0] + '_'}
    return tuple(pre) + PREFIX_EXTRA.get(rel, ())


def check_functions(files, texts):
    long_funcs, long_files, bad_prefix = [], [], []
    for f in files:
        n = texts[f].count('\n')
        if n > FILE_MAX:
            long_files.append('%s: %d lines' % (f, n))
        if not f.endswith('.c'):
            continue
        for name, static, line, body in functions(texts[f]):
            if body > FUNC_MAX:
                long_funcs.append('%s:%d: %s: %d lines' % (f, line, name,
                                                          body))
            if not static and not name.startswith(prefixes(f)):
                bad_prefix.append('%s:%d: %s (wants %s)' % (
                    f, line, name, ' or '.join(prefixes(f))))
    ok(not long_files, 'no file is longer than %d lines' % FILE_MAX,
       long_files)
    ok(not long_funcs, 'no function is longer than %d lines' % FUNC_MAX,
       long_funcs)
    ok(not bad_prefix, "exported functions take their file's prefix",
       bad_prefix)


def nm_symbols(path):
    out = subprocess.run(['nm', path], capture_output=True, text=True,
                         check=False).stdout
    defined, used = set(), set()
    for line in out.split('\n'):
        parts = line.split()
        if len(parts) == 3 and parts[1] in 'TDRB':
            defined.add(parts[2])
        elif len(parts) == 2 and parts[0] == 'U':
            used.add(parts[1])
    return defined, used


def check_exports(srcdir, builddir, files):
    objs = []
    for d, _, fs in os.walk(builddir):
        if '/.deps' in d or '/tests/fixtures' in d:
            continue
        for f in fs:
            if f.endswith('.o'):
                objs.append(os.path.join(d, f))
    if not objs:
        ok(True, '# SKIP no objects built')
        return
    where, users = {}, {}
    for o in objs:
        defined, used = nm_symbols(o)
        for s in defined:
            where.setdefault(s, set()).add(o)
        for s in used:
            users.setdefault(s, set()).add(o)
    ours = set()
    for f in files:
        if f.endswith('.c'):
            for name, static, _, _ in functions(open(
                    os.path.join(srcdir, f)).read()):
                if not static and name != 'main':
                    ours.add((name, f))
    unused = []
    for name, f in sorted(ours):
        if name not in where:
            continue
        others = users.get(name, set()) - where[name]
        if not others:
            unused.append('%s: %s is used by no other file' % (f, name))
    ok(not unused, 'every exported function is used by another file',
       unused)


def main():
    srcdir = sys.argv[1] if len(sys.argv) > 1 else '.'
    builddir = sys.argv[2] if len(sys.argv) > 2 else None
    files = sources(srcdir)
    texts = {f: open(os.path.join(srcdir, f)).read() for f in files}
    check_includes(srcdir, files, texts)
    check_functions(files, texts)
    if builddir:
        check_exports(srcdir, builddir, files)
    print('1..%d' % len(tests))
    for n, (good, name, diag) in enumerate(tests, 1):
        print('%s %d - %s' % ('ok' if good else 'not ok', n, name))
        for d in diag:
            print('# %s' % d)
    return 0


if __name__ == '__main__':
    sys.exit(main())
