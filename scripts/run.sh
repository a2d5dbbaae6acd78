#!/bin/bash
# scripts/run.sh [run|debug] [--print]: boot the system in QEMU as make run
# and make debug do, with the settings of the environment (all optional):
#   MEM=MiB       RAM (default 128; QEMU_RUN_MEM is the old name)
#   CPUS=N        CPUs (-smp N)
#   CPU=MODEL     QEMU's CPU model (e.g. pentium, 486, qemu32)
#   CMDLINE=...   boot build/kernel.elf straight (-kernel, no GRUB menu) with
#                 this kernel command line and the system's modules
#   DISK=FILE     your own paging disk instead of build/paging.img
#   GUI=1         a window (the VGA screen or the framebuffer) as well
#   UEFI=1        OVMF's x86_64 firmware instead of the BIOS
#   QEMU_EXTRA=.. more QEMU arguments, last
#   GDBPORT=N     make debug's gdb port (default: 1234 + your uid % 1000,
#                 the next free one if that is taken)
# --print shows the QEMU command instead of running it (make test checks it).
set -eu
B=${B:-build}
what=run
print=0
for a in "$@"; do
    case $a in
    run|debug) what=$a ;;
    --print) print=1 ;;
    *) echo "usage: scripts/run.sh [run|debug] [--print]" >&2; exit 2 ;;
    esac
done
mem=${MEM:-${QEMU_RUN_MEM:-128}}
case $mem in ''|*[!0-9]*) echo "run: MEM=$mem is not a number of MiB" >&2; exit 2 ;; esac
cmd=(qemu-system-i386 -m "$mem" -no-reboot -serial mon:stdio)
if [ -n "${CPUS:-}" ]; then
    case $CPUS in ''|*[!0-9]*|0) echo "run: CPUS=$CPUS is not a number of CPUs" >&2; exit 2 ;; esac
    cmd+=(-smp "$CPUS")
fi
[ -n "${CPU:-}" ] && cmd+=(-cpu "$CPU")
if [ "${GUI:-0}" = 1 ]; then cmd+=(-display gtk); else cmd+=(-display none); fi
if [ "${UEFI:-0}" = 1 ]; then
    code=/usr/share/OVMF/OVMF_CODE_4M.fd
    [ -r "$code" ] || { echo "run: UEFI=1 needs OVMF ($code): apt-get install ovmf" >&2; exit 2; }
    cp /usr/share/OVMF/OVMF_VARS_4M.fd "$B/ovmf-vars.fd"
    cmd[0]=qemu-system-x86_64
    cmd+=(-drive "if=pflash,format=raw,readonly=on,file=$code"
          -drive "if=pflash,format=raw,file=$B/ovmf-vars.fd")
fi
if [ -n "${CMDLINE:-}" ]; then
    [ "${UEFI:-0}" = 1 ] && { echo "run: CMDLINE= boots without firmware menus: not with UEFI=1" >&2; exit 2; }
    . "$B/modules.sh"
    cmd+=(-kernel "$B/kernel.elf" -initrd "$MODS_system" -append "$CMDLINE")
else
    cmd+=(-cdrom "$B/ant.iso")
fi
disk=${DISK:-$B/paging.img}
[ -e "$disk" ] || [ "$print" = 1 ] || { echo "run: DISK=$disk does not exist" >&2; exit 2; }
cmd+=(-drive "file=$disk,format=raw,if=ide,index=0")
if [ "$what" = debug ]; then
    port=${GDBPORT:-$(( 1234 + $(id -u) % 1000 ))}
    if [ -z "${GDBPORT:-}" ]; then
        while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
    fi
    cmd+=(-gdb "tcp::$port" -S)
    printf 'target remote :%s\n' "$port" > .gdbinit
    scripts/gdbinit.sh "$B" >> .gdbinit
    echo "QEMU waits for gdb on :$port: gdb -x .gdbinit (connects and loads the kernel symbols;"
    echo "'ubreak PROGRAM FUNCTION' breaks in that user program only)"
fi
# shellcheck disable=SC2206
[ -n "${QEMU_EXTRA:-}" ] && cmd+=(${QEMU_EXTRA})
if [ "$print" = 1 ]; then
    printf '%q ' "${cmd[@]}"
    echo
    exit 0
fi
exec "${cmd[@]}"
