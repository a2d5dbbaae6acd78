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
          icc_transfer_256p icc_transfer_1024p icc_transfer_4096p ipc_roundtrip_32ready
          copy_1p copy_16p copy_256p page_fault_zero page_in page_in_idle
          disk_read_64k_ide disk_read_64k_ahci disk_read_64k_pio
          null_syscall_smp4 ipc_roundtrip_smp4 icc_transfer_256p_smp4
          ipc_roundtrip_xcpu_smp4 icc_transfer_256p_xcpu_smp4"
# Figures that wait for QEMU's disk: the instructions repeat within a few
# per cent (an interrupt lands at another point of the wait), the idle time
# (host time) not at all, nor do the programmed-I/O figures (_pio: the
# driver polls the drive's status while QEMU works in host time), nor
# page_in_smp4 (the pager's CPU, the bench's and the disk's completion in
# host time interleave otherwise from boot to boot: 11,005 and 20,245
# instructions in two boots of one build before the fault path's rework,
# 10,210 and 12,335 after). The others repeat exactly.
NEAR="page_in disk_ ipc_roundtrip_xcpu icc_transfer_256p_xcpu"
# Long enough that another process's work sometimes lands in them: 10%.
FAR="icc_transfer_1024p icc_transfer_4096p"
# The module lists, from the Makefile's BOOT_MODULES (MODS_bench, MODS_disk).
[ -f "$B/modules.sh" ] || { echo "bench: $B/modules.sh is missing (run make first)" >&2; exit 1; }
. "$B/modules.sh"
MODS=$MODS_bench
DISKMODS=$MODS_disk

die() {
    echo "bench: FAILED: $*" >&2
    exit 1
}

show_failures() {                # the lines of a log that say what went wrong
    tr -d '\r' < "$1" | grep -a "FAIL\|PANIC\|killed\|cannot" | sed 's/^/    /' >&2
}

[ "$RUNS" -ge 1 ] 2>/dev/null || die "BENCH_RUNS must be a number of boots, 1 or more"
for f in "$B/kernel.elf" "$B/user/init.elf" "$B/user/bench.elf" "$B/user/names.elf" \
    "$B/user/ata.elf" "$B/user/ahci.elf" "$B/user/pager.elf" "$B/user/disktest.elf"; do
    [ -f "$f" ] || die "$f is missing (run make first)"
done
rm -rf "$OUT"
mkdir -p "$OUT"

# qemu_icount LOG MACHINE DISK-DEVICE-ARGS -- QEMU-ARGS: one boot under
# -icount with a fresh 16 MiB paging space; sets rc.
qemu_icount() {
    local log=$1 machine=$2 disk=$3
    shift 3
    rm -f "$OUT/paging.img"
    scripts/mkpaging.py disk "$OUT/paging.img" --size 16M --label bench > /dev/null ||
        die "cannot make the paging space"
    case $disk in
    ide) set -- "$@" -drive "file=$OUT/paging.img,format=raw,if=ide,index=0" ;;
    ahci) set -- "$@" -drive "file=$OUT/paging.img,format=raw,if=none,id=pg" \
        -device ide-hd,drive=pg,bus=ide.0 ;;
    esac
    timeout "$TIMEOUT" "$QEMU" -M "$machine" -icount shift=0 -m 128 -display none -no-reboot \
        -nic none -serial "file:$log" -device isa-debug-exit,iobase=0xf4,iosize=0x04 "$@" \
        > "$log.qemu" 2>&1
    rc=$?
    rm -f "$OUT/paging.img"
}

# figures LOG [SUFFIX]: its "bench: NAME UNIT VALUE" lines as "NAME UNIT VALUE".
figures() {
    tr -d '\r' < "$1" |
        sed -n 's/^bench: \([a-z0-9_]*\) \(instructions\|cycles\) \([0-9][0-9]*\)$/\1 \2 \3/p' |
        awk -v sfx="${2:-}" '{ n = $1; if (sfx != "") { sub(/_idle$/, "", n); n = n sfx ($1 ~ /_idle$/ ? "_idle" : "") }
                           print n, $2, $3 }'
}

check_boot() {                   # check_boot RUN LOG
    [ $rc = $EXIT_PASS ] && return
    show_failures "$2"
    case $rc in
    124) die "run $1: QEMU did not exit within ${TIMEOUT}s (see $2)" ;;
    35) die "run $1: the bench or the system failed: QEMU exit status 35 (see $2)" ;;
    *) die "run $1: QEMU exit status $rc, expected $EXIT_PASS (see $2, $2.qemu)" ;;
    esac
}

# boot_bench N: the bench boot (run N), on one CPU and on four, then the
# disk driver alone on IDE (DMA and programmed I/O) and on AHCI; their
# figures in $OUT/figures-N.txt.
boot_bench() {
    local n=$1 log=$OUT/serial-$1.log fig=$OUT/figures-$1.txt
    qemu_icount "$log" pc ide -kernel "$B/kernel.elf" -initrd "$MODS" -append "init=bench,icount icc_size=32M"
    check_boot "$n" "$log"
    figures "$log" > "$fig"
    # The same on 4 CPUs (the bench and its peers on one CPU; the _xcpu
    # figures with the peer on the next): suffix _smp4.
    local slog=$OUT/serial-smp4-$n.log
    qemu_icount "$slog" pc ide -smp 4 -kernel "$B/kernel.elf" -initrd "$MODS" -append "init=bench,icount icc_size=32M"
    check_boot "$n" "$slog"
    figures "$slog" _smp4 >> "$fig"
    for d in "ide pc ide init=disk,bench" "pio pc ide init=disk,bench,pio" \
             "ahci q35 ahci init=disk,bench"; do
        set -- $d
        local dlog=$OUT/disk-$1-$n.log
        qemu_icount "$dlog" "$2" "$3" -kernel "$B/kernel.elf" -initrd "$DISKMODS" -append "$4"
        check_boot "$n" "$dlog"
        figures "$dlog" "_$1" >> "$fig"
    done
    for name in $REQUIRED; do
        if ! grep -q "^$name " "$fig"; then
            show_failures "$log"
            die "run $n: no figure '$name' in $fig"
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
    # the figures that do not wait for the disk: exactly, or within 2
    # instructions or 0.01%, whichever is more (a timer tick that lands in
    # a timed stretch in one run and not in the other: the disk's
    # interrupts, in host time, move the ticks about); within 5% for those
    # that do, and for the cross-CPU ones (two CPUs take turns in QEMU's
    # one thread, and an IPI's wake-up lands where host time says); idle
    # times are host time and not compared
    awk -v near="$NEAR" -v far="$FAR" '
        FNR == 1 { f++ }
        $2 == "cycles" || $1 ~ /_pio$/ || $1 == "page_in_smp4" { next }
        { key = $1; if (!(key in first)) { first[key] = $3; order[n++] = key; next } }
        {
            isnear = 0; split(near, w, " ")
            for (i in w) if (index(key, w[i]) == 1) isnear = 1
            isfar = 0; split(far, w, " ")
            for (i in w) if (index(key, w[i]) == 1) isfar = 1
            d = $3 - first[key]; if (d < 0) d = -d
            if (isfar) off = d * 10 > first[key]
            else if (isnear) off = d * 20 > first[key]
            else off = d > 2 && d * 10000 > first[key]
            if (off) {
                bad = 1; printf "bench: %s differs between runs: %d, %d\n", key, first[key], $3
            }
        }
        END {
            if (bad) print "bench: WARNING: figures did not repeat (see above)"
            else printf "bench: all %d runs repeat: to 2 instructions or 0.01%%, the disk and cross-CPU figures within 5%%, the 1024- and 4096-page transfers within 10%%\n", f
        }' "$OUT"/figures-*.txt
fi

{
    echo "name,unit,value"
    awk '{ print $1 "," $2 "," $3 }' "$FIG"
} > "$OUT/results.csv"

# The table: every figure; for those with a target (issue #16's, in
# instructions), the target and whether it is met (reported, not
# asserted); for those with one, the floor this design allows and why.
echo
awk '
    { v[$1] = $3; u[$1] = $2; order[n++] = $1 }
    END {
        t["null_syscall"] = 30;       t["ipc_oneway"] = 90;        t["ipc_roundtrip"] = 150
        t["icc_transfer_1p"] = 150;   t["icc_transfer_256p"] = 2700; t["page_fault_zero"] = 1500
        t["page_in"] = 20000
        f["null_syscall"] = 18;       w["null_syscall"] = "the stub, sysenter, one stack load, one dispatch test, the call, sysexit"
        f["ipc_oneway"] = 55;         w["ipc_oneway"] = "entry, peer lookup and 4 checks, words in registers, CR3 and stack switch, exit"
        f["ipc_roundtrip"] = 100;     w["ipc_roundtrip"] = "two one-way sends, the user stub once"
        f["ipc_roundtrip_32ready"] = 100; w["ipc_roundtrip_32ready"] = "as ipc_roundtrip: the run queues are per priority"
        f["icc_transfer_1p"] = 75;    w["icc_transfer_1p"] = "a one-way send, a run checked by the sender PTE, one PTE moved"
        f["icc_transfer_16p"] = 180;  w["icc_transfer_16p"] = "the 1p figure and 7 instructions a page"
        f["icc_transfer_256p"] = 1850; w["icc_transfer_256p"] = "7 instructions a page: load, test, store, clear, step, compare, branch"
        f["icc_transfer_1024p"] = 7240; w["icc_transfer_1024p"] = "7 a page: linear"
        f["icc_transfer_4096p"] = 28730; w["icc_transfer_4096p"] = "7 a page: linear"
        f["copy_1p"] = 1024;          w["copy_1p"] = "rep movsd: one instruction a word (under -icount)"
        f["copy_256p"] = 262144;      w["copy_256p"] = "the same, 256 pages"
        f["page_fault_zero"] = 350;   w["page_fault_zero"] = "trap in and out, a note to the pager, one map-resolve-wait call, a frame zeroed while idle"
        printf "%-24s %-13s %8s  %-8s %-4s %8s  %s\n", "name", "unit", "value", "target", "met", "floor", "why the floor"
        for (i = 0; i < n; i++) {
            name = order[i]
            met = (name in t) ? (v[name] <= t[name] ? "yes" : "no") : ""
            printf "%-24s %-13s %8d  %-8s %-4s %8s  %s\n", name, u[name], v[name],
                (name in t) ? "<= " t[name] : "", met, (name in f) ? f[name] : "", w[name]
        }
        if (v["icc_transfer_256p"])
            printf "\ncopy_256p / icc_transfer_256p = %.1fx; copy_1p / icc_transfer_1p = %.1fx\n",
                v["copy_256p"] / v["icc_transfer_256p"], v["copy_1p"] / v["icc_transfer_1p"]
        if (v["icc_transfer_4096p"] && v["icc_transfer_256p"])
            printf "growth: icc_transfer per page at 256, 1024, 4096 pages: %.1f, %.1f, %.1f instructions\n",
                v["icc_transfer_256p"] / 256, v["icc_transfer_1024p"] / 1024, v["icc_transfer_4096p"] / 4096
        if (v["ipc_roundtrip_32ready"])
            printf "ipc_roundtrip with 32 more threads ready: %d against %d\n", v["ipc_roundtrip_32ready"], v["ipc_roundtrip"]
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
    echo "$p $(awk -v n=icc_transfer_${p}p '$1 == n { print $3 }' "$FIG")" \
        "$(awk -v n=copy_${p}p '$1 == n { print $3 }' "$FIG")"
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
