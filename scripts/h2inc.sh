#!/bin/sh
# Turn the "#define NAME VALUE" lines of a C header into NASM %defines, so
# constants are written once (kernel/x86_bits.h, mm/layout.h).
echo "; generated from $1 by scripts/h2inc.sh: do not edit"
sed -n 's|/\*.*\*/||; s/^#define \([A-Za-z_][A-Za-z_0-9]*\)[ 	][ 	]*\(.*[^ 	]\)[ 	]*$/%define \1 \2/p' "$1"
