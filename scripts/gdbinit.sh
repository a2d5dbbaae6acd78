#!/bin/sh
# scripts/gdbinit.sh BUILD-DIR [KERNEL]: what make debug's .gdbinit holds after its
# "target remote": the kernel's symbols, and `ubreak PROGRAM FUNCTION`.
# Every user program is linked at 0x00400000, so a plain breakpoint in one
# stops in whichever program runs at that address; ubreak loads PROGRAM's
# symbols and makes the breakpoint conditional on the process running on
# the CPU that hits it being PROGRAM (QEMU's gdb stub shows CPU n as thread
# n + 1). The kernel's symbols stay, so `bt` works. The per-CPU state is
# in the data area, which the image does not load (gdb will not read
# `cpus` by name): its address comes from the kernel's symbol table.
B=${1:-build}
K=${2:-$B/kernel.elf}
cpus=$(nm "$K" | awk '$3 == "cpus" { print $1 }')
cat <<EOF
symbol-file $K
define ubreak
  if \$argc != 2
    echo usage: ubreak PROGRAM FUNCTION (a program of $B/user: a function or *address in it)\\n
  else
    add-symbol-file $B/user/\$arg0.elf
    break \$arg1 if \$_streq(((struct cpu *)0x$cpus)[\$_thread - 1].cur->proc->name, "\$arg0")
  end
end
document ubreak
ubreak PROGRAM FUNCTION: break at FUNCTION of user program PROGRAM
($B/user/PROGRAM.elf), only when that program is the one running.
end
define ucur
  print ((struct cpu *)0x$cpus)[\$_thread - 1].cur->proc->name
end
document ucur
ucur: the name of the process running on the CPU gdb looks at.
end
EOF
