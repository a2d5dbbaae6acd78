#!/bin/sh
# mkiso.sh OUT.iso GRUB.cfg KERNEL [MODULES...]: one hybrid GRUB image that
# boots as a CD, a hard disk or a USB stick, on BIOS, x86_64 UEFI and IA-32
# UEFI machines. It refuses to build without GRUB for all three (an image
# missing one would not boot on some PCs, and nobody would know until then),
# and checks the El Torito catalogue it made.
set -e
out=$1 cfg=$2 kernel=$3
shift 3
for platform in i386-pc x86_64-efi i386-efi; do
    if [ ! -f /usr/lib/grub/$platform/moddep.lst ]; then
        echo "mkiso: GRUB for $platform is not installed (packages grub-pc-bin," \
             "grub-efi-amd64-bin, grub-efi-ia32-bin): the image would not boot everywhere" >&2
        exit 1
    fi
done
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
mkdir -p "$dir/boot/grub"
cp "$cfg" "$dir/boot/grub/grub.cfg"
cp "$kernel" "$dir/boot/kernel.elf"
for m in "$@"; do cp "$m" "$dir/boot/"; done
grub-mkrescue -o "$out" "$dir" >"$out.log" 2>&1 || { cat "$out.log" >&2; exit 1; }
rm -f "$out.log"
scripts/check-iso.sh "$out" || { rm -f "$out"; exit 1; }
