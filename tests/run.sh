#!/usr/bin/env bash
# The whole test suite: host unit tests, then boots of the test build in
# QEMU (headless, serial to a log, isa-debug-exit, a timeout) on several
# machines. One line per test; the last line is "N passed, N failed".
set -u
cd "$(dirname "$0")/.."
B=build
LOGS=$B/test-logs
QEMU=${QEMU:-qemu-system-i386}
TIMEOUT=${TEST_TIMEOUT:-120}
EXIT_PASS=33                     # isa-debug-exit: (0x10 << 1) | 1
EXIT_FAIL=35                     # (0x11 << 1) | 1
rm -rf "$LOGS"
mkdir -p "$LOGS"
passed=0
failed=0

result() {                       # result NAME OK [WHY]
    if [ "$2" = 1 ]; then
        echo "PASS $1"
        passed=$((passed + 1))
    else
        echo "FAIL $1${3:+: $3}"
        failed=$((failed + 1))
    fi
}

# Turn "<prefix>: PASS name" / "<prefix>: FAIL name: why" lines into results.
count_lines() {                  # count_lines LOG PREFIX GROUP
    local line name
    while IFS= read -r line; do
        line=${line%$'\r'}
        case $line in
        "$2: PASS "*) result "$3/${line#"$2: PASS "}" 1 ;;
        "$2: FAIL "*) name=${line#"$2: FAIL "}; result "$3/${name%%:*}" 0 "${name#*: }" ;;
        esac
    done < "$1"
}

host_tests() {
    "$B/host/test_host" > "$LOGS/host.log" 2>&1
    local rc=$?
    count_lines "$LOGS/host.log" host host
    if [ $rc != 0 ] || ! grep -q "^host: [0-9]* passed, 0 failed" "$LOGS/host.log"; then
        result host/suite 0 "exit status $rc, see $LOGS/host.log"
    fi
}

# boot NAME EXPECTED-EXIT QEMU-ARGS...: boot once; sets $log and $rc.
boot() {
    local name=$1
    shift
    log=$LOGS/$name.log
    timeout "$TIMEOUT" "$QEMU" -display none -no-reboot -serial "file:$log" \
        -device isa-debug-exit,iobase=0xf4,iosize=0x04 "$@" > "$LOGS/$name.qemu" 2>&1
    rc=$?
}

why_exit() {
    case $rc in
    124) echo "hang: no exit within ${TIMEOUT}s" ;;
    0) echo "QEMU stopped by itself (triple fault or reset)" ;;
    *) echo "QEMU exit status $rc, see $log" ;;
    esac
}

# A boot of the suite: each in-kernel test counts, and the boot itself must
# end through isa-debug-exit with the pass status.
suite_boot() {                   # suite_boot NAME QEMU-ARGS...
    local name=$1
    boot "$@"
    count_lines "$log" ktest "$name"
    count_lines "$log" utest "$name/user"
    count_lines "$log" ipctest "$name/ipc"
    if [ $rc = $EXIT_PASS ] && grep -q "^ktest: done" "$log" && grep -q "^utest: done" "$log" &&
        grep -q "^ipctest: done" "$log"; then
        result "$name/boot" 1
    else
        result "$name/boot" 0 "$(why_exit)"
    fi
}

# A boot that must stop with a message: expected exit and text.
message_boot() {                 # message_boot NAME EXIT TEXT QEMU-ARGS...
    local name=$1 want=$2 text=$3
    shift 3
    boot "$name" "$@"
    if [ $rc != "$want" ]; then
        result "$name" 0 "$(why_exit)"
    elif ! grep -q -- "$text" "$log"; then
        result "$name" 0 "no line with '$text' in $log"
    else
        result "$name" 1
    fi
}

expect_line() {                  # expect_line NAME LOG TEXT
    if grep -q -- "$3" "$2"; then result "$1" 1; else result "$1" 0 "no line with '$3' in $2"; fi
}

# vga_text NAME QEMU-ARGS...: boot without a test selector for a few
# seconds (6: the suite lane may keep the other host CPU busy), then read the VGA text screen out of guest memory into $LOGS/NAME.vga.
vga_text() {
    local name=$1
    shift
    (sleep 6; echo "pmemsave 0xb8000 4000 $LOGS/$name.vgamem"; sleep 1; echo quit) |
        timeout 30 "$QEMU" -display none -no-reboot -serial null -monitor stdio "$@" \
            > "$LOGS/$name.qemu" 2>&1
    perl -0777 -ne 'my @c = unpack("(a1 x1)*", $_); for my $r (0..24) {
        my $l = join("", @c[$r*80 .. $r*80+79]); $l =~ s/\s+$//; print "$l\n" }' \
        "$LOGS/$name.vgamem" > "$LOGS/$name.vga" 2>/dev/null
}

ISO=$B/ant-test.iso
# The module lists of the boots, from the Makefile's BOOT_MODULES:
# MODS_system, MODS_test, MODS_bench, MODS_vm, MODS_disk.
. "$B/modules.sh"
MODS=$MODS_test
# Boots with test= take the kernel with the in-kernel suite in it.
KERNEL=(-kernel "$B/kernel-test.elf" -initrd "$MODS")
head -c 3000 "$B/user/init.elf" > "$LOGS/init-truncated.elf"

# make run's settings (scripts/run.sh --print): each reaches QEMU's command.
run_settings() {
    local out
    check_setting() {            # check_setting NAME PATTERN ENV...
        local name=$1 pattern=$2
        shift 2
        out=$(env -u MEM -u QEMU_RUN_MEM -u CPUS -u CPU -u CMDLINE -u DISK -u GUI -u UEFI \
            -u QEMU_EXTRA -u GDBPORT "$@" scripts/run.sh --print 2>&1)
        if grep -qE -- "$pattern" <<< "$out"; then
            result "make-run/$name" 1
        else
            result "make-run/$name" 0 "scripts/run.sh --print with $*: '$out'"
        fi
    }
    check_setting default "^qemu-system-i386 -m 128 .*-cdrom build/ant.iso -drive file=build/paging.img"
    check_setting mem " -m 24 " MEM=24
    check_setting old-mem-name " -m 16 " QEMU_RUN_MEM=16
    check_setting cpus " -smp 4 " CPUS=4
    check_setting cpu " -cpu pentium " CPU=pentium
    check_setting cmdline "-kernel build/kernel.elf -initrd .*init.elf.* -append init=vm" CMDLINE=init=vm
    check_setting disk "-drive file=/tmp/mine.img" DISK=/tmp/mine.img
    check_setting gui " -display gtk " GUI=1
    check_setting uefi "^qemu-system-x86_64 .*OVMF_CODE" UEFI=1
    check_setting extra " -M q35 \$" "QEMU_EXTRA=-M q35"
    check_setting bad-mem "MEM=lots is not a number" MEM=lots
    out=$(env -u QEMU_EXTRA GDBPORT=4999 scripts/run.sh debug --print 2>&1)
    if grep -q -- "-gdb tcp::4999 -S" <<< "$out" && grep -q "target remote :4999" .gdbinit; then
        result make-run/debug-port 1
    else
        result make-run/debug-port 0 "make debug's GDBPORT did not reach QEMU or .gdbinit: '$out'"
    fi
    rm -f .gdbinit "$B/ovmf-vars.fd"
}

# make debug's ubreak: a breakpoint in one user program stops there only
# (every program is linked at 0x00400000: another program's code at the
# same address runs first, and a plain breakpoint there stops in it).
gdb_ubreak() {
    local port=$(( 21000 + $$ % 10000 )) out
    timeout 60 "$QEMU" -m 128 -display none -serial null -kernel "$B/kernel-test.elf" \
        -initrd "$MODS_test" -append "test=all" -gdb "tcp::$port" -S > /dev/null 2>&1 &
    local qemu=$!
    sleep 1
    scripts/gdbinit.sh "$B" "$B/kernel-test.elf" > "$LOGS/gdbinit"
    out=$(timeout 50 gdb -batch -nx -ex "target remote :$port" -x "$LOGS/gdbinit" \
        -ex "ubreak ipcpeer main" -ex continue -ex ucur -ex 'p/x $pc' -ex 'p/x &main' 2>&1)
    kill $qemu 2>/dev/null
    wait $qemu 2>/dev/null
    local addrs
    addrs=$(grep -o '^\$[0-9]* = 0x[0-9a-f]*$' <<< "$out" | sed 's/.* = //' | sort -u | wc -l)
    if grep -q '= "ipcpeer"' <<< "$out" && grep -q "Breakpoint 1, main" <<< "$out" && [ "$addrs" = 1 ]; then
        result debug/ubreak-one-program 1
    else
        result debug/ubreak-one-program 0 "$(tail -4 <<< "$out" | tr '\n' ' ')"
    fi
}

# gdb steps from the Multiboot entry into kernel_main without a warning
# (each assembly file's debug information covers one code section).
gdb_steps_cleanly() {
    local port=$(( 20000 + $$ % 10000 )) out
    timeout 30 "$QEMU" -m 64 -display none -serial null -kernel "$B/kernel.elf" \
        -gdb "tcp::$port" -S > /dev/null 2>&1 &
    local qemu=$!
    sleep 1
    out=$(timeout 20 gdb -batch -nx "$B/kernel.elf" -ex "target remote :$port" -ex "break *_start" \
        -ex continue -ex "stepi 12" -ex "break kernel_main" -ex continue -ex step 2>&1)
    kill $qemu 2>/dev/null
    wait $qemu 2>/dev/null
    if grep -q "kernel_main () at kernel/main.c" <<< "$out" && ! grep -qi "not in symtab" <<< "$out"; then
        result debug/gdb-steps-cleanly 1
    else
        result debug/gdb-steps-cleanly 0 "$(grep -i "warning\|error" <<< "$out" | head -2)"
    fi
}

group_host() {
    host_tests
    if scripts/check-layers.py > "$LOGS/layers.out" 2>&1; then
        result structure/layers-no-include-cycle 1
    else
        result structure/layers-no-include-cycle 0 "$(head -5 "$LOGS/layers.out")"
    fi
    if scripts/check-memmap.py mm/layout.h README.md docs/DESIGN.md > "$LOGS/memmap.out" 2>&1; then
        result structure/memory-map-tables-are-mm-layout 1
    else
        result structure/memory-map-tables-are-mm-layout 0 "$(head -5 "$LOGS/memmap.out")"
    fi
    if scripts/check-docs.py > "$LOGS/docs.out" 2>&1; then
        result structure/citations-inside-the-repository 1
    else
        result structure/citations-inside-the-repository 0 "$(head -5 "$LOGS/docs.out")"
    fi
    run_settings
    gdb_steps_cleanly
    gdb_ubreak
    tests/usb/test_mkusb.sh > "$LOGS/usb.out" 2>&1
    count_lines "$LOGS/usb.out" usb usb
    grep -q "^usb: " "$LOGS/usb.out" || result usb/script 0 "see $LOGS/usb.out"
}

# Boots of the test build: the in-kernel, user-level and IPC suites on
# several machines.
group_suite() {
    suite_boot cd-16M -m 16 -cdrom "$ISO"
    suite_boot cd-128M -m 128 -cdrom "$ISO"
    suite_boot cd-3584M -m 3584 -cdrom "$ISO"
    suite_boot hd-64M -m 64 -drive "file=$ISO,format=raw,snapshot=on"
    suite_boot usb-64M -m 64 -drive "if=none,id=stick,file=$ISO,format=raw,snapshot=on" \
        -device usb-ehci,id=ehci -device usb-storage,bus=ehci.0,drive=stick
    suite_boot pentium -m 32 -cpu pentium "${KERNEL[@]}" -append "test=all"
    expect_line pentium/pge-warning "$log" "WARNING: no global pages"
    expect_line pentium/fpu-fnsave "$log" "fpu: x87, MMX; state per thread by fnsave"
    suite_boot no-fpu -m 32 -cpu pentium,-fpu "${KERNEL[@]}" -append "test=all"
    expect_line no-fpu/said "$log" "fpu: this CPU has no FPU"
    # The IPC fastpath off: every call by the general path, and the same
    # suite (the fastpath's cases, the random messages) passes both ways.
    suite_boot ipcfast-off -m 64 "${KERNEL[@]}" -append "test=all ipcfast=off"
    expect_line ipcfast-off/said "$log" "ipc: ipcfast=off: every IPC call takes the general path"
    # No local APIC: the PIT ticks through the 8259, every line is the 8259's.
    suite_boot no-apic -m 32 -cpu pentium,-apic "${KERNEL[@]}" -append "test=all"
    expect_line no-apic/pic "$log" "cpu: no local APIC: one CPU, with the PIC"
    # Several CPUs, each scheduling: the whole suite at -smp 2, 4 and 8
    # under multi-threaded TCG (the CPUs truly in parallel); what the boot
    # log says; a CPU the tables name that never answers; cpus=, only an
    # MP table, no APIC.
    local n ids online
    for n in 2 4 8; do
        ids=$(seq -s ' ' 0 $((n - 1)))
        TIMEOUT=300 suite_boot smp-$n -m 64 -smp $n -accel tcg,thread=multi "${KERNEL[@]}" -append "test=all"
        expect_line smp-$n/cpus-online "$log" "cpu: $n CPUs (ACPI MADT, APIC ids $ids): $ids online"
        expect_line smp-$n/all-schedule "$log" "cpu: $n CPUs schedule: servers with I/O rights on CPU 0"
    done
    suite_boot smp-absent -m 64 -smp 2 -accel tcg,thread=multi "${KERNEL[@]}" -append "test=all cpu_absent=9"
    expect_line smp-absent/reported "$log" "cpu: CPU 2 (APIC id 9) did not start: left out"
    expect_line smp-absent/others-online "$log" "cpu: 3 CPUs (ACPI MADT, APIC ids 0 1 9): 0 1 online"
    expect_line smp-absent/two-schedule "$log" "cpu: 2 CPUs schedule"
    local quick=(-m 32 -kernel "$B/kernel.elf" -initrd "$MODS")
    message_boot smp-cpus-option $EXIT_FAIL "cpu: 4 CPUs found, cpus=2: using 2" -smp 4 "${quick[@]}" -append "init=nosuch cpus=2"
    expect_line smp-cpus-option/two-online "$log" "cpu: 2 CPUs (ACPI MADT, APIC ids 0 1): 0 1 online"
    message_boot smp-mp-table $EXIT_FAIL "cpu: 1 CPU (MP table, APIC ids 0): 0 online" -smp 2 -no-acpi "${quick[@]}" -append "init=nosuch"
    # acpi=off, for firmware whose ACPI tables lie: the MP table names the CPUs
    message_boot smp-acpi-off $EXIT_FAIL "cpu: acpi=off: the ACPI tables are not read" -smp 2 "${quick[@]}" -append "init=nosuch acpi=off"
    expect_line smp-acpi-off/mp-table "$log" "cpu: [0-9]* CPUs* (MP table, APIC ids "
    message_boot smp-no-apic $EXIT_FAIL "cpu: no local APIC: one CPU, with the PIC" -smp 2 -cpu pentium,-apic "${quick[@]}" -append "init=nosuch"
    suite_boot cmdline -m 128 "${KERNEL[@]}" -append "test=all icc_size=8M bogus=1 icc_size=zz noequals"
    expect_line cmdline/unknown-reported "$log" "unknown option: 'bogus=1' ignored"
    expect_line cmdline/malformed-reported "$log" "malformed value: 'icc_size=zz' ignored"
    expect_line cmdline/bare-word-reported "$log" "'noequals' ignored"
    expect_line cmdline/icc-size-applied "$log" "ICC region .* 8192 KiB"
    expect_line cmdline/boot-log-pool "$log" "mem: pool [0-9]* frames free"
}

# Boots that must stop with a message, and the screen read back.
# The benchmarks on a CPU without sysenter (a Pentium): every figure
# through int 0x80, and done.
bench_without_sysenter() {
    scripts/mkpaging.py disk "$LOGS/bench-int80.img" --size 16M --label bench > /dev/null
    message_boot bench-int80 $EXIT_PASS "bench: this CPU has no sysenter: every figure is through int 0x80" \
        -cpu pentium -m 128 -nic none -kernel "$B/kernel.elf" -initrd "$MODS_bench" -append "init=bench" \
        -drive "file=$LOGS/bench-int80.img,format=raw,if=ide,index=0"
    expect_line bench-int80/done "$log" "^bench: done"
    expect_line bench-int80/ipc-figure "$log" "^bench: ipc_roundtrip cycles [0-9]"
    rm -f "$LOGS/bench-int80.img"
}

group_stops() {
    bench_without_sysenter
    # QEMU's 486 model claims PSE in CPUID; take it away as a real 486 lacks it.
    message_boot cpu-486-no-pse $EXIT_FAIL "lacks PSE (4MB pages)" -m 64 -cpu 486,-pse "${KERNEL[@]}" -append "test=all"
    message_boot too-little-ram $EXIT_FAIL "needs at least 16 MiB of RAM" -m 12 "${KERNEL[@]}" -append "test=all"
    message_boot panic-exits-failed $EXIT_FAIL "PANIC: page fault in the kernel" -m 32 "${KERNEL[@]}" -append "test=manual_panic"
    expect_line panic-register-dump "$log" "^eax [0-9a-f]* ebx"
    expect_line panic-backtrace "$log" "^backtrace: [0-9a-f]"
    vga_text vga-boot-log -m 64 -kernel "$B/kernel.elf"
    expect_line vga/boot-log-on-screen "$LOGS/vga-boot-log.vga" "mem: pool [0-9]* frames free"
    vga_text vga-no-pse -m 64 -cpu 486,-pse -kernel "$B/kernel.elf"
    expect_line vga/no-pse-message-on-screen "$LOGS/vga-no-pse.vga" "lacks PSE (4MB pages)"
    message_boot missing-init $EXIT_FAIL "no 'init' module" -m 32 -kernel "$B/kernel-test.elf" \
        -initrd "$B/testmod.bin testmod" -append "test=user_half_empty"
    message_boot corrupt-init $EXIT_FAIL "'init' is not a valid program: segment" -m 32 -kernel "$B/kernel-test.elf" \
        -initrd "$LOGS/init-truncated.elf init" -append "test=user_half_empty"
    # init= names init's task; a boot with it ends QEMU with init's verdict.
    message_boot init-bench $EXIT_PASS "^bench: done" -m 128 -kernel "$B/kernel.elf" \
        -initrd "$B/user/init.elf init,$B/user/bench.elf bench" -append "init=bench"
    expect_line init-bench/figures "$log" "^bench: ipc_roundtrip cycles [0-9]"
    message_boot init-unknown-word $EXIT_FAIL "init: unknown argument 'nosuch'" -m 32 "${KERNEL[@]}" -append "init=nosuch"
    message_boot unknown-test-selector $EXIT_FAIL "no test is called 'nosuchtest'" -m 32 "${KERNEL[@]}" -append "test=nosuchtest"
    # The kernel a user boots has no in-kernel tests: a test boot of it fails, saying so.
    message_boot production-kernel-no-tests $EXIT_FAIL "this kernel has no in-kernel tests" -m 32 \
        -kernel "$B/kernel.elf" -initrd "$MODS" -append "test=all"
    if nm "$B/kernel.elf" | grep -q -e ' ktest_fail$' -e ' ktest_rec_'; then
        result production-kernel/no-test-code 0 "build/kernel.elf links tests/kernel"
    else
        result production-kernel/no-test-code 1
    fi

}

# Paging and the disks (issue: never lose a user's data). The images of
# tests/disks/mkdisks.py: disks with a user's data (an MBR and a FAT file
# system holding a file, a GPT, a copy of the ISO, zeros), broken paging
# spaces, and paging spaces made by scripts/mkpaging.py (a whole disk, a
# partition of an MBR disk and of a GPT disk with other partitions). Each
# boot attaches some of them, each with its name as the drive's model;
# after it, every byte that is not a paging slot must be as it was, and the
# driver's line for each disk must say what it did with it and why.
DISKS=$LOGS/disks
VMMODS=$MODS_vm
DISKMODS=$MODS_disk

expect_of() { grep "^$1 " "$DISKS/expect.txt"; }      # expect_of IMAGE

# drives MACHINE DISK...: -drive/-device arguments, in bus order (IDE:
# primary master, slave, secondary master, slave; AHCI: ports 0-5), each
# named by its image as the drive's model. A DISK is NAME (tests/disks),
# DIR/FILE.img, either with :QEMU-DRIVE-OPTIONS, or @QEMU-FILE-SPEC.
drives() {
    local machine=$1 i=0 img opts
    shift
    for d in "$@"; do
        img=${d%%:*}
        opts=${d#"$img"}
        opts=${opts#:}
        local file=$DISKS/$img.img
        local kind=ide-hd
        case $d in
        @*) file=${d#@}; img=fault; opts= ;;     # a QEMU file spec as it is
        cd) file=$DISKS/iso.img; kind=ide-cd; opts=readonly=on ;;   # a CD drive with the ISO
        */*) file=$img; img=$(basename "$img" .img) ;;
        esac
        echo "-drive if=none,id=d$i,format=raw,file=$file${opts:+,$opts}"
        if [ "$machine" = pc ]; then
            echo "-device $kind,drive=d$i,bus=ide.$((i / 2)),unit=$((i % 2)),model=${img^^}"
        else
            echo "-device $kind,drive=d$i,bus=ide.$i,model=${img^^}"
        fi
        i=$((i + 1))
    done
}

# ranges_of IMAGE: the byte ranges of it that must not change.
ranges_of() { expect_of "$1" | sed 's/ :: .*//' | cut -d' ' -f2-; }
hash_of() { python3 tests/disks/mkdisks.py hash "$DISKS/$1.img" $(ranges_of "$1"); }

# disk_boot NAME MACHINE MEM MODULES INIT: boot with the disks in
# DISKLIST; then each image kept every byte it must keep, and its line in
# the log says what expect.txt says. Sets $log and $rc.
disk_boot() {
    local name=$1 machine=$2 mem=$3 mods=$4 init=$5 img now phrase
    declare -A before=()
    for d in "${DISKLIST[@]}"; do
        img=${d%%:*}
        [ -n "$(expect_of "$img")" ] && before[$img]=$(hash_of "$img")
    done
    boot "$name" -M "$machine" -nodefaults -m "$mem" -kernel "$B/kernel.elf" -initrd "$mods" \
        -append "init=$init" $(drives "$machine" "${DISKLIST[@]}") ${DISK_EXTRA[@]+"${DISK_EXTRA[@]}"}
    for d in "${DISKLIST[@]}"; do
        img=${d%%:*}
        [ -n "${before[$img]:-}" ] || continue
        now=$(hash_of "$img")
        if [ "$now" = "${before[$img]}" ]; then
            result "$name/untouched-$img" 1
        else
            result "$name/untouched-$img" 0 "$img.img changed outside its paging slots"
        fi
        phrase=$(expect_of "$img" | sed 's/.* :: //')
        if tr -d '\r' < "$log" | grep ": ${img^^}, " | grep -qF -- "$phrase"; then
            result "$name/explained-$img" 1
        else
            result "$name/explained-$img" 0 "no line for ${img^^} saying '$phrase' in $log"
        fi
    done
}

# The FAT file of a disk is still there, byte for byte.
letter_intact() {                # letter_intact NAME IMAGE
    if mtype -i "$DISKS/$2.img@@1M" ::LETTER.TXT 2>/dev/null | cmp -s - "$DISKS/letter.txt"; then
        result "$1/file-on-$2-reads-back" 1
    else
        result "$1/file-on-$2-reads-back" 0 "LETTER.TXT on $2.img differs or is gone"
    fi
}

# paging_boot NAME MACHINE MODE IMAGE...: the paging suite (vmtest MODE).
paging_boot() {
    local name=$1 machine=$2 mode=$3
    shift 3
    DISKLIST=("$@")
    TIMEOUT=${VM_TIMEOUT:-300} disk_boot "$name" "$machine" 24 "$VMMODS" "vm${mode:+,$mode}"
    count_lines "$log" vmtest "$name"
    if [ $rc = $EXIT_PASS ] && grep -q "^vmtest: done" "$log"; then
        result "$name/boot" 1
    else
        result "$name/boot" 0 "$(why_exit)"
    fi
}

# hostile_boot NAME MACHINE IMAGE...: the hostile-program suite (hostile),
# with the name server, a disk driver and the pager.
hostile_boot() {
    local name=$1 machine=$2
    shift 2
    DISKLIST=("$@")
    TIMEOUT=120 disk_boot "$name" "$machine" 64 "$VMMODS" hostile
    count_lines "$log" hostile "$name"
    if [ $rc = $EXIT_PASS ] && grep -q "^hostile: done" "$log"; then
        result "$name/boot" 1
    else
        result "$name/boot" 0 "$(why_exit)"
    fi
}

# disktest_boot NAME MACHINE ARGS IMAGE...: the disk driver alone (disktest).
disktest_boot() {
    local name=$1 machine=$2 args=$3
    shift 3
    DISKLIST=("$@")
    TIMEOUT=60 disk_boot "$name" "$machine" 64 "$DISKMODS" "disk${args:+,$args}"
    count_lines "$log" disktest "$name"
    if [ $rc = $EXIT_PASS ] && grep -q "^disktest: done" "$log"; then
        result "$name/boot" 1
    else
        result "$name/boot" 0 "$(why_exit)"
    fi
}

group_disks() {
    python3 tests/disks/mkdisks.py "$DISKS" "$B/ant.iso" > "$LOGS/mkdisks.log" 2>&1 ||
        result disks/made 0 "tests/disks/mkdisks.py failed, see $LOGS/mkdisks.log"
    # IDE (QEMU's default machine, bus-master DMA): the ISO booted as the first
    # hard disk (where the owner's disk is), a FAT disk, a GPT disk, and a
    # whole-disk paging space made by the tool; the whole suite.
    paging_boot vm-ide pc "" iso fat gpt whole
    letter_intact vm-ide fat
    # A hostile program's probes: rights, forgery, theft, trees, crash storms.
    hostile_boot hostile pc whole
    expect_line hostile/backed-off "$log" "init: names (pid [0-9]*) ended .* again, [0-9]* times in 10 s: restarting it in"
    expect_line vm-ide/dma "$log" "ata: build 1 .*: DMA, completion by interrupt"
    # The race boots: the same suite (IPC, ICC transfers, spawns and exits,
    # faults, server crashes and replacements, the 200,000-call fuzzer,
    # then the ICC and frame audits) on 4 CPUs truly in parallel under
    # multi-threaded TCG, three times, since races show only sometimes.
    local k
    DISK_EXTRA=(-smp 4 -accel tcg,thread=multi)
    for k in 1 2 3; do
        hostile_boot hostile-smp4-$k pc whole
        expect_line hostile-smp4-$k/four-cpus "$log" "cpu: 4 CPUs schedule"
    done
    paging_boot vm-ide-smp4 pc "" whole     # paging: the pager on CPU 0, its clients elsewhere
    expect_line vm-ide-smp4/four-cpus "$log" "cpu: 4 CPUs schedule"
    DISK_EXTRA=()
    # AHCI (-M q35): a paging partition of a GPT disk with two other
    # partitions, a zeroed disk, broken paging spaces, the FAT disk; the suite.
    paging_boot vm-ahci q35 "" gptpage zero badcrc pastend mbrpast fat
    expect_line vm-ahci/driver "$log" "ahci: build 1 .*: DMA, completion by interrupt"
    # A paging partition on an MBR disk beside a FAT partition, a CD drive
    # on the same channel, the FAT disk on the other: their interrupts come
    # while the paging disk's are awaited.
    paging_boot vm-mbr pc quick mbrpage cd fat
    letter_intact vm-mbr mbrpage
    # Disk faults: the first read of slot 0 and the first write of slot 3 fail.
    printf '[inject-error]\nevent = "read_aio"\nerrno = "5"\nsector = "8"\nonce = "on"\n\n[inject-error]\nevent = "write_aio"\nerrno = "5"\nsector = "32"\nonce = "on"\n' \
        > "$LOGS/blkdebug.cfg"
    python3 scripts/mkpaging.py disk "$LOGS/fault.img" --size 64M > /dev/null
    paging_boot vm-fault pc fault "@blkdebug:$LOGS/blkdebug.cfg:$LOGS/fault.img"
    expect_line vm-fault/killed-with-reason "$log" "pager: pid [0-9]* killed: disk error reading slot 0"
    expect_line vm-fault/write-kept-in-memory "$log" "disk error writing slot 3 (EIO): slot retired"
    rm -f "$LOGS/fault.img"
    # No controller the drivers know (q35 without the AHCI driver: the IDE
    # one finds no ports): said so, and the system runs without paging.
    DISKLIST=()
    TIMEOUT=60 boot vm-nodisk -M q35 -nodefaults -m 24 -kernel "$B/kernel.elf" \
        -initrd "${MODS_vm/,$B\/user\/ahci.elf ahci/}" \
        -append "init=vm,nopaging"
    count_lines "$log" vmtest vm-nodisk
    if [ $rc = $EXIT_PASS ] && grep -q "^vmtest: done" "$log"; then
        result vm-nodisk/boot 1
    else
        result vm-nodisk/boot 0 "$(why_exit)"
    fi
    expect_line vm-nodisk/said "$log" "init: disk: ata (pid [0-9]*) found no device either: running without disk"
    # The driver itself: DMA on IDE, programmed I/O, AHCI, a disk that stops
    # answering on both, and no paging space at all; then what was written
    # is where it belongs.
    python3 scripts/mkpaging.py disk "$LOGS/dt.img" --size 16M > /dev/null
    for t in "disk-ide pc" "disk-pio pc pio" "disk-ahci q35"; do
        set -- $t
        disktest_boot "$1" "$2" "${3:-}" iso "$LOGS/dt.img"
        seed=$(tr -d '\r' < "$log" | sed -n 's/^disktest: seed \([0-9]*\)$/\1/p' | head -1)
        if python3 services/disktest/checkimg.py "$LOGS/dt.img" 0 "$seed" > "$LOGS/$1.check" 2>&1; then
            result "$1/image-checked-from-the-host" 1
        else
            result "$1/image-checked-from-the-host" 0 "see $LOGS/$1.check"
        fi
    done
    disktest_boot disk-dead-ide pc dead "$LOGS/dt.img:throttling.bps-total=512"
    disktest_boot disk-dead-ahci q35 dead "$LOGS/dt.img:throttling.bps-total=512"
    disktest_boot disk-nospace pc nospace zero fat
    # Two paging spaces: each request goes to the space its id names.
    python3 scripts/mkpaging.py disk "$LOGS/dt2.img" --size 16M > /dev/null
    disktest_boot disk-two-spaces pc two "$LOGS/dt.img" "$LOGS/dt2.img"
    rm -f "$LOGS/dt2.img"
    rm -f "$LOGS/dt.img"

}

group_system() {
    # The running system, driven over its serial line like a user at a terminal
    # (tests/system/drive.py): shell commands, live replacement and restart of
    # the servers, a flood, 10,000 random bytes.
    SYSMODS=$MODS_system
    timeout 600 python3 tests/system/drive.py "$B/kernel.elf" "$SYSMODS" "$LOGS" > "$LOGS/system.out" 2>&1
    rc=$?
    count_lines "$LOGS/system.out" system system
    [ $rc = 0 ] || grep -q "^system: FAIL" "$LOGS/system.out" ||
        result system/driver 0 "exit status $rc, see $LOGS/system.out"
    # make memmap: the page tables read through the QEMU monitor agree with
    # the shell's map, an ICC page moved, and the pictures name the areas.
    timeout 120 python3 scripts/memmap.py "$B/kernel.elf" "$SYSMODS" "$LOGS/memmap" \
        > "$LOGS/memmap.out" 2>&1
    rc=$?
    local named=1 area
    for area in "kernel text" "kernel data" "I/O hole alias" "frame table" "kernel stacks" \
        "modules" "ICC page tables" "private" "ICC  moved here" "4MB"; do
        grep -q "$area" "$LOGS/memmap/after.svg" 2>/dev/null || named=0
    done
    if [ $rc = 0 ] && [ $named = 1 ] && grep -q "moved from the shell to the console: 8" \
        "$LOGS/memmap.out"; then
        result system/memmap 1
    else
        result system/memmap 0 "exit status $rc, areas named $named: see $LOGS/memmap.out"
    fi
    # Paging while the disk driver and the pager are replaced, killed and
    # crashed (24 MiB, a 128 MiB paging space).
    python3 scripts/mkpaging.py disk "$LOGS/system-paging.img" --size 128M > /dev/null
    timeout 300 python3 tests/system/drive.py --paging "$LOGS/system-paging.img" "$B/kernel.elf" \
        "$SYSMODS,$B/user/vmtest.elf vmtest" "$LOGS" > "$LOGS/system-paging.out" 2>&1
    rc=$?
    count_lines "$LOGS/system-paging.out" system system-paging
    [ $rc = 0 ] || grep -q "^system: FAIL" "$LOGS/system-paging.out" ||
        result system-paging/driver 0 "exit status $rc, see $LOGS/system-paging.out"
    rm -f "$LOGS/system-paging.img"
    timeout 120 python3 tests/system/drive.py --iso "$B/ant.iso" "$LOGS" > "$LOGS/system-iso.out" 2>&1
    rc=$?
    count_lines "$LOGS/system-iso.out" system system-iso
    [ $rc = 0 ] || grep -q "^system: FAIL" "$LOGS/system-iso.out" ||
        result system-iso/driver 0 "exit status $rc, see $LOGS/system-iso.out"

}

# What a person booting the ISO on a PC meets: one image for BIOS, x86_64
# UEFI and IA-32 UEFI (the El Torito catalogue, then boots under OVMF as a
# CD and as a USB stick, each screen read back from the framebuffer), and a
# BIOS PC with no serial port, driven from its keyboard.
group_firmware() {
    if scripts/check-iso.sh "$B/ant.iso" > "$LOGS/check-iso.log" 2>&1; then
        result firmware/el-torito-bios-and-uefi 1
    else
        result firmware/el-torito-bios-and-uefi 0 "$(cat "$LOGS/check-iso.log")"
    fi
    local x64="pc /usr/share/OVMF/OVMF_CODE_4M.fd /usr/share/OVMF/OVMF_VARS_4M.fd"
    local ia32="q35,smm=on /usr/share/OVMF/OVMF32_CODE_4M.secboot.fd /usr/share/OVMF/OVMF32_VARS_4M.fd"
    for t in "uefi-x64-cd qemu-system-x86_64 $x64 cd" "uefi-x64-usb qemu-system-x86_64 $x64 usb" \
             "uefi-ia32-cd qemu-system-i386 $ia32 cd" "uefi-ia32-usb qemu-system-i386 $ia32 usb"; do
        set -- $t
        timeout 240 python3 tests/system/screen.py uefi "$1" "$B/ant.iso" "$B/inc/font.h" "$LOGS" \
            "$2" "$3" "$4" "$5" "$6" > "$LOGS/$1.out" 2>&1
        count_lines "$LOGS/$1.out" screen firmware
        grep -q "^screen: " "$LOGS/$1.out" || result "firmware/$1" 0 "see $LOGS/$1.out"
    done
    timeout 240 python3 tests/system/screen.py bios-keyboard bios-no-serial "$B/ant.iso" \
        "$B/inc/font.h" "$LOGS" > "$LOGS/bios-no-serial.out" 2>&1
    count_lines "$LOGS/bios-no-serial.out" screen firmware
    grep -q "^screen: " "$LOGS/bios-no-serial.out" || result firmware/bios-no-serial 0 \
        "see $LOGS/bios-no-serial.out"
    # GRUB's other entries as on a real PC (no QEMU exit device): the test
    # suite's verdict, the benchmarks with their servers, then a key.
    timeout 400 python3 tests/system/screen.py grub-entry grub-test-entry "$B/ant.iso" \
        "$B/inc/font.h" "$LOGS" 1 "test suite: [0-9]+ passed, 0 failed" "press a key to restart" \
        > "$LOGS/grub-test-entry.out" 2>&1
    count_lines "$LOGS/grub-test-entry.out" screen firmware
    timeout 400 python3 tests/system/screen.py grub-entry grub-bench-entry "$B/ant.iso" \
        "$B/inc/font.h" "$LOGS" 2 "~pager: build 1" "~bench: ipc_roundtrip cycles [0-9]+" \
        "bench: done" "press a key to restart" > "$LOGS/grub-bench-entry.out" 2>&1
    count_lines "$LOGS/grub-bench-entry.out" screen firmware
    bochs_boot
}

# make bochs's configuration (scripts/bochsrc) boots the ISO on Bochs to the
# shell: its own BIOS, I/O APIC, PIT and IDE (a VNC display nobody watches).
bochs_boot() {
    local serial=$B/bochs-serial.log ok=0 why
    rm -f "$serial"
    BXSHARE=/usr/share/bochs timeout 150 bochs -q -f scripts/bochsrc -rc scripts/bochs.rc \
        'display_library: rfb, options="timeout=0"' > "$LOGS/bochs.out" 2>&1 &
    local bx=$!
    for _ in $(seq 1 140); do
        sleep 1
        grep -q "^shell: AnT/i386 shell" "$serial" 2>/dev/null && { ok=1; break; }
        kill -0 $bx 2>/dev/null || break
    done
    kill $bx 2>/dev/null
    wait $bx 2>/dev/null
    cp "$serial" "$LOGS/bochs-serial.log" 2>/dev/null
    why="no shell prompt within 140 s: see $LOGS/bochs-serial.log, $LOGS/bochs.out"
    if [ $ok = 1 ] && grep -q "PANIC\|does not come through" "$serial"; then
        ok=0
        why="$(grep -m1 "PANIC\|does not come through" "$serial")"
    fi
    result bochs/boots-to-shell $ok "$why"
}

# tests/run.sh [GROUP...]: the groups named (default: all of them).
GROUPS_ALL="host suite stops disks firmware system"
run_groups() {
    local g
    for g in "$@"; do
        case " $GROUPS_ALL " in
        *" $g "*) "group_$g" ;;
        *) echo "run.sh: no test group '$g' (groups: $GROUPS_ALL)" >&2; exit 2 ;;
        esac
    done
}
# All of them: the suite group's boots (a third of the time) run in a
# second lane beside the others, as most boots keep one host CPU busy and
# CI has two; their lines come after the others'. TEST_LANES=1: one lane.
if [ $# = 0 ] && [ "${TEST_LANES:-2}" != 1 ]; then
    (
        passed=0
        failed=0
        group_suite > "$LOGS/lane-suite.out" 2>&1
        echo "$passed $failed" > "$LOGS/lane-suite.counts"
    ) &
    lane=$!
    run_groups host stops disks firmware system
    wait $lane
    cat "$LOGS/lane-suite.out"
    if read -r lp lf < "$LOGS/lane-suite.counts" 2>/dev/null; then
        passed=$((passed + lp))
        failed=$((failed + lf))
    else
        result suite/lane 0 "the suite lane ended without its counts: see $LOGS/lane-suite.out"
    fi
else
    run_groups ${*:-$GROUPS_ALL}
fi

echo "$passed passed, $failed failed"
[ $failed = 0 ]
