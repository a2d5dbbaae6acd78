#!/bin/sh
# Checks every kernel link must pass (docs/DESIGN.md §2): text-only image, no
# writable segment, a Multiboot header GRUB accepts, and early boot code
# (run before paging) that calls nothing outside itself.
set -e
elf=$1 early=$2
fail() { echo "check-kernel: $*" >&2; rm -f "$elf"; exit 1; }

set -- $(size "$elf" | tail -1)
[ "$2" = 0 ] && [ "$3" = 0 ] || fail "$elf has data=$2 bss=$3; the image must be text only"
readelf -lW "$elf" | awk '$1=="LOAD" && $7 ~ /W/ {f=1} END {exit f}' \
    || fail "$elf has a writable PT_LOAD segment"
if command -v grub-file >/dev/null; then
    grub-file --is-x86-multiboot "$elf" || fail "grub-file does not accept $elf as Multiboot"
fi
bad=$(nm -u "$early" | awk '{print $2}' | grep -v -x -e ktables -e boot_info || true)
[ -z "$bad" ] || fail "early boot code calls or uses outside symbols: $bad"
