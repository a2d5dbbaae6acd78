#!/bin/sh
# check-iso.sh IMAGE: the El Torito catalogue holds a BIOS boot image and a
# UEFI one, and the UEFI one (a FAT image) holds GRUB for x86_64 and IA-32.
set -e
iso=$1
fail() { echo "check-iso: $iso: $*" >&2; exit 1; }
report=$(xorriso -indev "$iso" -report_el_torito plain 2>/dev/null)
echo "$report" | grep -q "El Torito boot img : *[0-9]* *BIOS" || fail "no BIOS boot image in El Torito"
echo "$report" | grep -q "El Torito boot img : *[0-9]* *UEFI" || fail "no UEFI boot image in El Torito"
efi=$(echo "$report" | sed -n 's/^El Torito img path : *[0-9]* *\(\/.*efi.*\)$/\1/p' | head -1)
[ -n "$efi" ] || fail "the UEFI boot image has no path"
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
xorriso -osirrox on -indev "$iso" -extract "$efi" "$tmp" >/dev/null 2>&1 || fail "cannot read $efi"
for f in bootx64.efi bootia32.efi; do
    mdir -i "$tmp" "::/efi/boot/$f" >/dev/null 2>&1 || fail "the UEFI image has no /efi/boot/$f"
done
