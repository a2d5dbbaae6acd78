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
    grep -q "^host: [0-9]* passed" "$LOGS/host.log" && [ $rc = 0 ] || [ $rc = 0 ] ||
        result host/suite 0 "exit status $rc, see $LOGS/host.log"
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
# seconds, then read the VGA text screen out of guest memory into $LOGS/NAME.vga.
vga_text() {
    local name=$1
    shift
    (sleep 4; echo "pmemsave 0xb8000 4000 $LOGS/$name.vgamem"; sleep 1; echo quit) |
        timeout 30 "$QEMU" -display none -no-reboot -serial null -monitor stdio "$@" \
            > "$LOGS/$name.qemu" 2>&1
    perl -0777 -ne 'my @c = unpack("(a1 x1)*", $_); for my $r (0..24) {
        my $l = join("", @c[$r*80 .. $r*80+79]); $l =~ s/\s+$//; print "$l\n" }' \
        "$LOGS/$name.vgamem" > "$LOGS/$name.vga" 2>/dev/null
}

ISO=$B/ant-test.iso
MODS="$B/user/init.elf init,$B/user/hello.elf hello,$B/user/utest.elf utest"
MODS="$MODS,$B/user/victim.elf victim,$B/testmod.bin testmod"
MODS="$MODS,$B/user/ipctest.elf ipctest,$B/user/ipcpeer.elf ipcpeer"
KERNEL=(-kernel "$B/kernel.elf" -initrd "$MODS")
head -c 3000 "$B/user/init.elf" > "$LOGS/init-truncated.elf"

host_tests
suite_boot cd-16M -m 16 -cdrom "$ISO"
suite_boot cd-128M -m 128 -cdrom "$ISO"
suite_boot cd-3584M -m 3584 -cdrom "$ISO"
suite_boot hd-64M -m 64 -drive "file=$ISO,format=raw,snapshot=on"
suite_boot usb-64M -m 64 -drive "if=none,id=stick,file=$ISO,format=raw,snapshot=on" \
    -device usb-ehci,id=ehci -device usb-storage,bus=ehci.0,drive=stick
suite_boot pentium -m 32 -cpu pentium "${KERNEL[@]}" -append "test=all"
expect_line pentium/pge-warning "$log" "WARNING: no global pages"
suite_boot cmdline -m 128 "${KERNEL[@]}" -append "test=all icc_size=8M bogus=1 icc_size=zz noequals"
expect_line cmdline/unknown-reported "$log" "unknown option: 'bogus=1' ignored"
expect_line cmdline/malformed-reported "$log" "malformed value: 'icc_size=zz' ignored"
expect_line cmdline/bare-word-reported "$log" "'noequals' ignored"
expect_line cmdline/icc-size-applied "$log" "ICC region .* 8192 KiB"
expect_line cmdline/boot-log-pool "$log" "mem: pool [0-9]* frames free"
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
message_boot missing-init $EXIT_FAIL "no 'init' module" -m 32 -kernel "$B/kernel.elf" \
    -initrd "$B/testmod.bin testmod" -append "test=user_half_empty"
message_boot corrupt-init $EXIT_FAIL "'init' is not a valid program: segment" -m 32 -kernel "$B/kernel.elf" \
    -initrd "$LOGS/init-truncated.elf init" -append "test=user_half_empty"
# init= names init's task; a boot with it ends QEMU with init's verdict.
message_boot init-bench $EXIT_PASS "^bench: done" -m 128 -kernel "$B/kernel.elf" \
    -initrd "$B/user/init.elf init,$B/user/bench.elf bench" -append "init=bench"
expect_line init-bench/figures "$log" "^bench: ipc_roundtrip instructions [0-9]"
message_boot init-unknown-word $EXIT_FAIL "init: unknown argument 'nosuch'" -m 32 "${KERNEL[@]}" -append "init=nosuch"
message_boot unknown-test-selector $EXIT_FAIL "no test is called 'nosuchtest'" -m 32 "${KERNEL[@]}" -append "test=nosuchtest"

# Paging: a 24 MiB machine with a 64 MiB paging disk; init=vm starts the
# name server, the disk driver and the pager, then vmtest.
VMMODS="$B/user/init.elf init,$B/user/names.elf names,$B/user/ata.elf ata"
VMMODS="$VMMODS,$B/user/pager.elf pager,$B/user/vmtest.elf vmtest"
rm -f "$LOGS/paging.img" && truncate -s 64M "$LOGS/paging.img"
TIMEOUT=${VM_TIMEOUT:-400} boot vm-24M -m 24 -kernel "$B/kernel.elf" -initrd "$VMMODS" -append "init=vm" \
    -drive "file=$LOGS/paging.img,format=raw,if=ide,index=0"     # about 70 s here, all disk
count_lines "$log" vmtest vm-24M
if [ $rc = $EXIT_PASS ] && grep -q "^vmtest: done" "$log"; then
    result vm-24M/boot 1
else
    result vm-24M/boot 0 "$(why_exit)"
fi
rm -f "$LOGS/paging.img"

# The running system, driven over its serial line like a user at a terminal
# (tests/system/drive.py): shell commands, live replacement and restart of
# the servers, a flood, 10,000 random bytes.
SYSMODS="$B/user/init.elf init,$B/user/names.elf names,$B/user/names.v2.elf names.v2"
SYSMODS="$SYSMODS,$B/user/console.elf console,$B/user/console.v2.elf console.v2"
SYSMODS="$SYSMODS,$B/user/shell.elf shell,$B/user/pipeline.elf pipeline,$B/user/bench.elf bench"
SYSMODS="$SYSMODS,$B/user/hello.elf hello,$B/user/victim.elf victim"
SYSMODS="$SYSMODS,$B/user/ata.elf ata,$B/user/pager.elf pager"
timeout 600 python3 tests/system/drive.py "$B/kernel.elf" "$SYSMODS" "$LOGS" > "$LOGS/system.out" 2>&1
rc=$?
count_lines "$LOGS/system.out" system system
[ $rc = 0 ] || grep -q "^system: FAIL" "$LOGS/system.out" ||
    result system/driver 0 "exit status $rc, see $LOGS/system.out"
timeout 120 python3 tests/system/drive.py --iso "$B/ant.iso" "$LOGS" > "$LOGS/system-iso.out" 2>&1
rc=$?
count_lines "$LOGS/system-iso.out" system system-iso
[ $rc = 0 ] || grep -q "^system: FAIL" "$LOGS/system-iso.out" ||
    result system-iso/driver 0 "exit status $rc, see $LOGS/system-iso.out"

echo "$passed passed, $failed failed"
[ $failed = 0 ]
