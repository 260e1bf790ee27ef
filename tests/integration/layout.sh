#!/bin/sh
# The tree's rules (tests/layout.py): includes by layer, curses in ui/
# only, module prefixes, no dead exports, short functions and files.
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
exec python3 "$top_srcdir/tests/layout.py" "$top_srcdir" "$top_builddir"
