#!/usr/bin/env bash
# make bench: boot the bench program (services/bench) under QEMU with
# -icount shift=0, where the guest TSC counts executed instructions, so the
# figures are exact and repeat from run to run. Checks that the boot ends
# with the pass status and that every figure is there; prints a table with
# the targets; writes build/bench/results.csv and draws
# build/bench/transfer.svg (ICC re-mapping against copying) with gnuplot.
#
# BENCH_RUNS=N boots N times (default 2) and says whether the figures
# repeated; the table and files come from the first run.
set -u
cd "$(dirname "$0")/.."
B=build
OUT=$B/bench
QEMU=${QEMU:-qemu-system-i386}
GNUPLOT=${GNUPLOT:-gnuplot}
TIMEOUT=${BENCH_TIMEOUT:-300}
RUNS=${BENCH_RUNS:-2}
EXIT_PASS=33                     # isa-debug-exit: (0x10 << 1) | 1
REQUIRED="null_syscall ipc_oneway ipc_roundtrip icc_transfer_1p icc_transfer_16p
          icc_transfer_256p copy_1p copy_16p copy_256p page_fault_zero page_in"
HOST_TIMED=page_in
MODS="$B/user/init.elf init,$B/user/bench.elf bench,$B/user/names.elf names"
MODS="$MODS,$B/user/ata.elf ata,$B/user/pager.elf pager"

die() {
    echo "bench: FAILED: $*" >&2
    exit 1
}

show_failures() {                # the lines of a log that say what went wrong
    tr -d '\r' < "$1" | grep -a "FAIL\|PANIC\|killed\|cannot" | sed 's/^/    /' >&2
}

[ "$RUNS" -ge 1 ] 2>/dev/null || die "BENCH_RUNS must be a number of boots, 1 or more"
for f in "$B/kernel.elf" "$B/user/init.elf" "$B/user/bench.elf" "$B/user/names.elf" \
    "$B/user/ata.elf" "$B/user/pager.elf"; do
    [ -f "$f" ] || die "$f is missing (run make first)"
done
rm -rf "$OUT"
mkdir -p "$OUT"

# boot_bench N: one boot; its serial log is $OUT/serial-N.log, its figures
# ("name value" lines) $OUT/figures-N.txt.
boot_bench() {
    local log=$OUT/serial-$1.log rc
    rm -f "$OUT/paging.img" && truncate -s 16M "$OUT/paging.img"   # page_in's paging space
    timeout "$TIMEOUT" "$QEMU" -icount shift=0 -m 128 -display none -no-reboot \
        -serial "file:$log" -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
        -kernel "$B/kernel.elf" -initrd "$MODS" -append "init=bench" \
        -drive "file=$OUT/paging.img,format=raw,if=ide,index=0" > "$OUT/qemu-$1.log" 2>&1
    rc=$?
    rm -f "$OUT/paging.img"
    tr -d '\r' < "$log" | sed -n 's/^bench: \([a-z0-9_]*\) instructions \([0-9][0-9]*\)$/\1 \2/p' \
        > "$OUT/figures-$1.txt"
    if [ $rc != $EXIT_PASS ]; then
        show_failures "$log"
        case $rc in
        124) die "run $1: QEMU did not exit within ${TIMEOUT}s (see $log)" ;;
        35) die "run $1: the bench or the system failed: QEMU exit status 35 (see $log)" ;;
        *) die "run $1: QEMU exit status $rc, expected $EXIT_PASS (see $log, $OUT/qemu-$1.log)" ;;
        esac
    fi
    for name in $REQUIRED; do
        if ! grep -q "^$name " "$OUT/figures-$1.txt"; then
            show_failures "$log"
            die "run $1: no figure '$name' in $log"
        fi
    done
}

for run in $(seq 1 "$RUNS"); do
    echo "bench: run $run of $RUNS: booting under qemu -icount shift=0"
    boot_bench "$run"
done
FIG=$OUT/figures-1.txt
cp "$OUT/serial-1.log" "$OUT/serial.log"
if [ "$RUNS" -gt 1 ]; then
    same=1
    # page_in waits for QEMU's disk, which keeps host time, not instruction time.
    for run in $(seq 2 "$RUNS"); do
        cmp -s <(grep -v "^$HOST_TIMED " "$FIG") <(grep -v "^$HOST_TIMED " "$OUT/figures-$run.txt") ||
            same=0
    done
    if [ $same = 1 ]; then
        echo "bench: the figures of all $RUNS runs are identical (but $HOST_TIMED:" \
             "$(grep -h "^$HOST_TIMED " "$OUT"/figures-*.txt | awk '{ printf "%s ", $2 }')" \
             "- it includes disk transfers QEMU times in host time)"
    else
        echo "bench: WARNING: the figures differ between runs:"
        paste "$OUT"/figures-*.txt | sed 's/^/    /'
    fi
fi

{
    echo "name,unit,value"
    awk '{ print $1 ",instructions," $2 }' "$FIG"
} > "$OUT/results.csv"

# The table: every figure, and for those with a target, the target and
# whether it is met (reported, not asserted).
echo
awk '
    { v[$1] = $2; order[n++] = $1 }
    function target(name,    c) {
        if (name == "null_syscall")
            return v[name] <= 60 ? "yes" : "no"
        if (name == "ipc_roundtrip")
            return v[name] <= 300 ? "yes" : "no"
        if (name == "icc_transfer_256p")
            return v[name] <= 13000 && v[name] * 20 <= v["copy_256p"] ? "yes" : "no"
        if (name == "icc_transfer_1p")
            return v[name] < v["copy_1p"] ? "yes" : "no"
        return ""
    }
    END {
        t["null_syscall"] = "<= 60"
        t["ipc_roundtrip"] = "<= 300"
        t["icc_transfer_256p"] = "<= 13000, 20x under copy_256p"
        t["icc_transfer_1p"] = "< copy_1p"
        printf "%-20s %-13s %8s  %-30s %s\n", "name", "unit", "value", "target", "met"
        for (i = 0; i < n; i++) {
            name = order[i]
            printf "%-20s %-13s %8d  %-30s %s\n", name, "instructions", v[name], t[name], target(name)
        }
        if (v["icc_transfer_256p"])
            printf "\ncopy_256p / icc_transfer_256p = %.1fx; copy_1p / icc_transfer_1p = %.1fx\n",
                v["copy_256p"] / v["icc_transfer_256p"], v["copy_1p"] / v["icc_transfer_1p"]
    }' "$FIG"
grep -a "^bench: summary" "$OUT/serial.log" | tr -d '\r'
echo
echo "bench: figures in $OUT/results.csv, serial log in $OUT/serial.log"

# The plot: cost against size, both axes logarithmic.
if ! command -v "$GNUPLOT" > /dev/null 2>&1; then
    echo "bench: gnuplot is not installed (apt-get install gnuplot-nox): no plot drawn"
    exit 0
fi
for p in 1 16 256; do
    echo "$p $(awk -v n=icc_transfer_${p}p '$1 == n { print $2 }' "$FIG")" \
        "$(awk -v n=copy_${p}p '$1 == n { print $2 }' "$FIG")"
done > "$OUT/transfer.dat"
"$GNUPLOT" <<EOF || die "gnuplot failed"
set terminal svg size 760,500 dynamic font "sans,12" background rgb "white"
set output "$OUT/transfer.svg"
set title "Moving pages to another process: ICC re-mapping vs copying (AnT/i386)"
set xlabel "pages of 4 KiB"
set ylabel "guest instructions per transfer"
set logscale xy
set xrange [0.7:400]
set yrange [100:1000000]
set xtics ("1" 1, "16" 16, "256" 256)
set ytics ("100" 100, "1,000" 1000, "10,000" 10000, "100,000" 100000, "1,000,000" 1000000)
set grid
set key top left
plot "$OUT/transfer.dat" using 1:3 with linespoints lw 2 pt 7 title "copy (rep movsd, within one process)", \
     "" using 1:3:3 with labels offset 0,1 notitle, \
     "" using 1:2 with linespoints lw 2 pt 5 title "ICC transfer (one-way send, pages re-mapped)", \
     "" using 1:2:2 with labels offset 0,-1 notitle
EOF
echo "bench: plot in $OUT/transfer.svg"
