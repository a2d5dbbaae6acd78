#!/bin/sh
# Make sure the build and test tools are here. As root on Debian, install
# what is missing; otherwise say exactly what to install, and stop.
#   GRUB for all three firmware kinds: BIOS (grub-pc-bin), x86_64 UEFI
#   (grub-efi-amd64-bin) and IA-32 UEFI (grub-efi-ia32-bin); the console
#   font (console-setup-linux); the UEFI firmware the tests boot under
#   (ovmf, ovmf-ia32); gdb (make debug, and the test that it steps cleanly);
#   Bochs with its ROMs and a display for a terminal (make bochs, and the
#   test that boots it).
PKGS="qemu-system-x86 nasm grub-pc-bin grub-efi-amd64-bin grub-efi-ia32-bin grub-common xorriso
      mtools gcc-multilib console-setup-linux ovmf ovmf-ia32 gnuplot-nox perl python3 gdb
      bochs bochsbios vgabios bochs-term"
PKGS=$(echo $PKGS)
FONT=${FONT:-/usr/share/consolefonts/Lat15-Fixed16.psf.gz}
missing=""
need() { command -v "$1" >/dev/null 2>&1 || missing="$missing $1"; }
for t in gcc make nasm ld qemu-system-i386 qemu-system-x86_64 grub-mkrescue grub-file xorriso \
    mformat mcopy perl python3 gdb bochs; do
    need "$t"
done
for platform in i386-pc x86_64-efi i386-efi; do
    [ -d /usr/lib/grub/$platform ] || missing="$missing grub($platform)"
done
[ -f "$FONT" ] || missing="$missing $FONT"
[ -f /usr/share/OVMF/OVMF_CODE_4M.fd ] || missing="$missing ovmf"
[ -f /usr/share/bochs/BIOS-bochs-latest ] || missing="$missing bochsbios"
[ -f /usr/share/bochs/VGABIOS-lgpl-latest ] || missing="$missing vgabios"
ls /usr/lib/*/bochs/plugins/libbx_rfb_gui.so >/dev/null 2>&1 || missing="$missing bochs(rfb)"
[ -f /usr/share/OVMF/OVMF32_CODE_4M.secboot.fd ] || missing="$missing ovmf-ia32"
echo 'int main(void){return 0;}' > /tmp/ant-m32-$$.c
gcc -m32 -o /tmp/ant-m32-$$ /tmp/ant-m32-$$.c >/dev/null 2>&1 || missing="$missing gcc-multilib"
rm -f /tmp/ant-m32-$$ /tmp/ant-m32-$$.c
# gnuplot only draws make bench's plot: without it, say so and carry on.
if [ -z "$missing" ]; then
    command -v gnuplot >/dev/null 2>&1 && exit 0
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "deps: installing gnuplot-nox (for the plot of make bench)"
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gnuplot-nox >/dev/null ||
            echo "deps: apt-get could not install gnuplot-nox: make bench will not plot"
    else
        echo "deps: gnuplot is missing: make bench will not plot (apt-get install gnuplot-nox)"
    fi
    exit 0
fi

echo "deps: missing:$missing"
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "deps: installing: $PKGS"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq $PKGS >/dev/null || {
        echo "deps: apt-get failed" >&2
        exit 1
    }
    exit 0
fi
echo "deps: please run, as root:" >&2
echo "    apt-get update && apt-get install -y $PKGS" >&2
exit 1
