#!/bin/bash
# scripts/hostile.sh fuzz|soak: the long runs of the hostile-program suite
# (services/hostile), which make test runs short. One boot with the name
# server, a disk driver and the pager on a paging space of its own:
#   fuzz: FUZZ_CALLS system calls (default 5000000) with hostile arguments
#         by a program without rights, then the inner core's audits;
#   soak: for SOAK_SECONDS (default 300) the name server, the pager and the
#         disk driver crashed and replaced in turn every half second while
#         clients check every reply.
# Ends with the suite's verdict line; the exit status is 0 only if it passed.
set -u
B=build
mode=${1:-}
case $mode in
fuzz) arg=fuzz=${FUZZ_CALLS:-5000000}; limit=$(( ${FUZZ_CALLS:-5000000} / 2000 + 120 )) ;;
soak) arg=soak=${SOAK_SECONDS:-300}; limit=$(( ${SOAK_SECONDS:-300} + 120 )) ;;
*) echo "usage: scripts/hostile.sh fuzz|soak" >&2; exit 2 ;;
esac
. "$B/modules.sh"
disk=$B/hostile-$mode.img
rm -f "$disk"
scripts/mkpaging.py disk "$disk" --size 16M --label "hostile $mode" > /dev/null || exit 1
log=$B/hostile-$mode.log
echo "hostile: $mode ($arg), at most $limit s; serial log in $log"
timeout "$limit" qemu-system-i386 -display none -no-reboot -serial "file:$log" \
    -device isa-debug-exit,iobase=0xf4,iosize=0x04 -M pc -nodefaults -m 64 \
    -kernel "$B/kernel.elf" -initrd "$MODS_vm" -append "init=hostile,$arg" \
    -drive "file=$disk,format=raw,if=ide" > /dev/null 2>&1
rc=$?
tr -d '\r' < "$log" | grep -a -E "^hostile: |PANIC" | tail -n 5
case $rc in
33) echo "hostile: $mode passed"; exit 0 ;;
124) echo "hostile: $mode: no verdict within $limit s (a hang)"; exit 1 ;;
*) echo "hostile: $mode failed (QEMU exit status $rc)"; exit 1 ;;
esac
