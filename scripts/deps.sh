#!/bin/sh
# Make sure the build and test tools are here. As root on Debian, install
# what is missing; otherwise say exactly what to install, and stop.
PKGS="qemu-system-x86 nasm grub-pc-bin grub-common xorriso mtools gcc-multilib gnuplot-nox perl python3"
missing=""
need() { command -v "$1" >/dev/null 2>&1 || missing="$missing $1"; }
for t in gcc make nasm ld qemu-system-i386 grub-mkrescue grub-file xorriso mformat perl python3; do
    need "$t"
done
[ -d /usr/lib/grub/i386-pc ] || missing="$missing grub-pc-bin"
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
