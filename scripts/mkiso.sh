#!/bin/sh
# mkiso.sh OUT.iso GRUB.cfg KERNEL [MODULES...]: a hybrid GRUB image that
# boots as a CD, a hard disk or a USB stick.
set -e
out=$1 cfg=$2 kernel=$3
shift 3
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
mkdir -p "$dir/boot/grub"
cp "$cfg" "$dir/boot/grub/grub.cfg"
cp "$kernel" "$dir/boot/kernel.elf"
for m in "$@"; do cp "$m" "$dir/boot/"; done
grub-mkrescue -o "$out" "$dir" >"$out.log" 2>&1 || { cat "$out.log" >&2; exit 1; }
rm -f "$out.log"
