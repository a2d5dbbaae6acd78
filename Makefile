# AnT/i386. `make` builds the kernel and the bootable image; `make run` boots
# it in QEMU with the console on this terminal; `make test` runs every test;
# `make bench` measures the IPC paths.

CC      := gcc
LD      := ld
NASM    := nasm
QEMU    := qemu-system-i386
B       := build
# `make` alone builds everything (the first rule in the file is not `all`).
.DEFAULT_GOAL := all

CFLAGS  := -m32 -march=i586 -std=c11 -ffreestanding -fno-pic -fno-pie \
           -fno-stack-protector -fno-omit-frame-pointer -fno-asynchronous-unwind-tables \
           -fno-common -mgeneral-regs-only -O2 -g -Wall -Wextra -Werror -MMD -MP -I. -I$(B)/inc
EARLY_CFLAGS := -fno-tree-loop-distribute-patterns
NASMFLAGS := -f elf32 -g -F dwarf -I $(B)/inc/
LIBGCC  := $(shell $(CC) -m32 -print-libgcc-file-name 2>/dev/null)

# Two kernels from the same objects: build/kernel.elf, what a user boots,
# and build/kernel-test.elf with the in-kernel suite (tests/kernel) in it.
KERNEL_C   := $(filter-out kernel/asmdefs.c kernel/notests.c,$(wildcard boot/*.c kernel/*.c mm/*.c ipc/*.c)) \
              lib/fmt.c lib/string.c lib/screen.c
KERNEL_ASM := boot/entry.asm boot/higher_half.asm $(wildcard kernel/*.asm ipc/*.asm)
KOBJS      := $(KERNEL_ASM:%.asm=$(B)/%.o) $(KERNEL_C:%.c=$(B)/%.o)
KTEST_OBJS := $(patsubst %.c,$(B)/%.o,$(wildcard tests/kernel/*.c))
INCS       := $(B)/inc/asmdefs.inc $(B)/inc/libdefs.inc
# The console's 8x16 font, made at build time from a Debian console font
# (package console-setup-linux): data, not code.
FONT       ?= /usr/share/consolefonts/Lat15-Fixed16.psf.gz
FONT_H     := $(B)/inc/font.h

# User programs: one folder each under outer_core/ and services/, linked
# with the runtime in lib/. Each becomes a GRUB module named after its folder.
USER_DIRS  := $(wildcard outer_core/*/ services/*/)
USER_PROGS := $(foreach d,$(USER_DIRS),$(B)/user/$(notdir $(d:/=)).elf)

# The boot modules, one entry each: PROGRAM:BOOTS[:SERVER]. PROGRAM is a
# folder under outer_core/ or services/, NAME.v2 (a second build of NAME,
# for live replacement) or testmod.bin. BOOTS says which boots load it:
# s the system (make run, the ISO's first entry, the system tests), t the
# test suites, b the benchmarks, v the paging tests, d the disk tests.
# SERVER, for a program init starts and keeps running, is the name it
# serves under, then flags: priv (I/O rights), serves (takes requests: may
# be replaced and crashed on request), headless (started for the test boots
# too), service (a service's priority), manage and console (the rights
# ANT_RIGHT_MANAGE, ANT_RIGHT_CONSOLE: docs/DESIGN.md §6), or=PROGRAM (the
# driver to try when this one finds no device). Init starts them in this order. GRUB's menus,
# the test and benchmark boots' lists and init's table are made from it
# (scripts/modules.py): adding a server is its folder and a line here.
BOOT_MODULES := \
    init:stbvd \
    names:sbvd:names,serves,headless \
    names.v2:s \
    console:s:console,priv,serves \
    console.v2:s \
    ahci:sbvd:disk,priv,serves,headless,or=ata \
    ata:sbvd \
    pager:sbv:pager,priv,serves,headless \
    shell:s:shell,service,manage,console \
    paging:s \
    pipeline:s \
    bench:sb \
    hello:st \
    victim:st \
    utest:t \
    ipctest:t \
    ipcpeer:t \
    testmod.bin:t \
    vmtest:v \
    hostile:v \
    fuzz:v \
    disktest:d
V2_SERVERS := $(patsubst %.v2,%,$(filter %.v2,$(foreach m,$(BOOT_MODULES),$(firstword $(subst :, ,$(m))))))
USER_PROGS += $(foreach s,$(V2_SERVERS),$(B)/user/$(s).v2.elf)
MODULE_GEN := $(B)/grub.cfg $(B)/grub-test.cfg $(B)/modules.sh $(B)/inc/init_servers.h
# The user runtime: crt0 first, then an archive, so a program links only
# what it uses (the disk drivers' PCI, paging-space and server code).
LIBANT_C   := $(filter-out lib/asmdefs.c,$(wildcard lib/*.c))
LIBANT_A   := $(B)/lib/libant.a
LIBANT_OBJS := $(B)/lib/crt0.o $(LIBANT_A)
MODULES    := $(USER_PROGS) $(B)/testmod.bin
# What scripts/modules.py makes from BOOT_MODULES: remade when the list
# changes (the file only changes when its text does).
$(MODULE_GEN)&: Makefile scripts/modules.py boot/grub.cfg.in boot/grub-test.cfg.in
	scripts/modules.py $(B) "$(BOOT_MODULES)"
$(B)/outer_core/init/init.o: $(B)/inc/init_servers.h

HOST_SRC   := $(wildcard tests/host/*.c) mm/frame.c mm/memmap.c boot/cmdline.c kernel/elf.c lib/fmt.c \
              outer_core/pager/clock.c lib/pspace.c lib/crc32.c lib/screen.c outer_core/console/kbd.c
HOST_CFLAGS := -std=c11 -g -O1 -Wall -Wextra -Werror -I. -I$(B)/inc -fsanitize=address,undefined \
               -fno-sanitize-recover=all -fno-omit-frame-pointer

QEMU_RUN_MEM ?= 128

.SECONDARY: $(INCS)
.PHONY: all iso run debug test bench clean deps host-tests usb fuzz soak bochs memmap
all: $(B)/kernel.elf $(B)/kernel-test.elf $(USER_PROGS) $(B)/ant.iso

deps:
	@scripts/deps.sh

# The constants NASM needs, computed by the compiler from the C headers:
# each DEFINE(NAME, value) in an asmdefs.c becomes "%define NAME value".
$(B)/inc/asmdefs.inc: kernel/asmdefs.c
$(B)/inc/libdefs.inc: lib/asmdefs.c
$(INCS):
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -MT $@ -S -o $(@:.inc=.s) $<
	{ echo "; generated from $< by the Makefile: do not edit"; \
	  sed -n 's/^.*@asmdef \([A-Za-z_0-9]*\) \(-\{0,1\}[0-9][0-9]*\).*$$/%define \1 \2/p' $(@:.inc=.s); } > $@
	@test $$(grep -c '^%define' $@) -eq $$(grep -c '^ *\(SAME\|DEFINE\)(' $<) || { echo "$@: not every constant came through"; rm -f $@; exit 1; }
# The linker script, with the memory map's constants from mm/layout.h.
$(B)/kernel.ld: linker.ld
	@mkdir -p $(@D)
	$(CC) -E -P -x c -undef -D__ASSEMBLER__ -I. -MMD -MP -MT $@ -MF $(B)/kernel.ld.d -o $@ $<
$(FONT_H): scripts/mkfont.py
	@mkdir -p $(@D)
	scripts/mkfont.py $(FONT) $@
$(B)/lib/screen.o: $(FONT_H)

$(B)/%.o: %.asm $(INCS)
	@mkdir -p $(@D)
	$(NASM) $(NASMFLAGS) -MD $(B)/$*.d -o $@ $<

$(B)/mm/early.o: mm/early.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(EARLY_CFLAGS) -c -o $@ $<

$(B)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -c -o $@ $<

$(B)/kernel.elf: $(KOBJS) $(B)/kernel/notests.o $(B)/kernel.ld scripts/check-kernel.sh
	$(LD) -m elf_i386 -T $(B)/kernel.ld -o $@ $(KOBJS) $(B)/kernel/notests.o $(LIBGCC)
	scripts/check-kernel.sh $@ $(B)/mm/early.o
	nm -n $@ > $(B)/kernel.sym
	objdump -d $@ > $(B)/kernel.dis
$(B)/kernel-test.elf: $(KOBJS) $(KTEST_OBJS) $(B)/kernel.ld scripts/check-kernel.sh
	$(LD) -m elf_i386 -T $(B)/kernel.ld -o $@ $(KOBJS) $(KTEST_OBJS) $(LIBGCC)
	scripts/check-kernel.sh $@ $(B)/mm/early.o
	nm -n $@ > $(B)/kernel-test.sym

$(LIBANT_A): $(B)/lib/syscall.o $(LIBANT_C:%.c=$(B)/%.o)
	rm -f $@
	ar rcs $@ $^

define user_prog
$(B)/user/$(notdir $(1:/=)).elf: $(patsubst %.c,$(B)/%.o,$(wildcard $(1)*.c)) $(LIBANT_OBJS) lib/user.ld
	@mkdir -p $$(@D)
	$(LD) -m elf_i386 -T lib/user.ld -o $$@ $(B)/lib/crt0.o $(patsubst %.c,$(B)/%.o,$(wildcard $(1)*.c)) \
	    $(LIBANT_A) $(LIBGCC)
endef
$(foreach d,$(USER_DIRS),$(eval $(call user_prog,$(d))))

# Second builds of the replaceable servers, for live replacement: the same
# sources with SVC_VERSION=2, as modules NAME.v2 (`replace NAME` in the shell
# swaps between the two).
$(B)/v2/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -DSVC_VERSION=2 -c -o $@ $<
define v2_prog
$(B)/user/$(1).v2.elf: $(patsubst %.c,$(B)/v2/%.o,$(wildcard outer_core/$(1)/*.c)) $(LIBANT_OBJS) lib/user.ld
	@mkdir -p $$(@D)
	$(LD) -m elf_i386 -T lib/user.ld -o $$@ $(B)/lib/crt0.o $(patsubst %.c,$(B)/v2/%.o,$(wildcard outer_core/$(1)/*.c)) \
	    $(LIBANT_A) $(LIBGCC)
endef
$(foreach s,$(V2_SERVERS),$(eval $(call v2_prog,$(s))))

# The bootable hybrid image (CD, hard disk, USB stick) and the test image.
iso: $(B)/ant.iso
$(B)/ant.iso: $(B)/kernel.elf $(B)/kernel-test.elf $(B)/grub.cfg $(MODULES)
	scripts/mkiso.sh $@ $(B)/grub.cfg $(B)/kernel.elf $(B)/kernel-test.elf $(MODULES)
$(B)/ant-test.iso: $(B)/kernel.elf $(B)/kernel-test.elf $(B)/grub-test.cfg $(MODULES)
	scripts/mkiso.sh $@ $(B)/grub-test.cfg $(B)/kernel.elf $(B)/kernel-test.elf $(MODULES)

# A module with known contents: word k is k ^ 0xA5A5A5A5 (not a whole page).
$(B)/testmod.bin:
	@mkdir -p $(@D)
	perl -e 'print pack("V*", map { $$_ ^ 0xA5A5A5A5 } 0..3099)' > $@

# The paging space of make run: a whole-disk paging space made by the
# project's tool (the system writes only where such a header says so).
$(B)/paging.img: scripts/mkpaging.py
	@mkdir -p $(@D)
	rm -f $@
	scripts/mkpaging.py disk $@ --size 64M --label "make run"

# make run / make debug settings (scripts/run.sh): MEM=, CPUS=, CPU=,
# CMDLINE= (straight -kernel boot, no GRUB menu), DISK=, GUI=1, UEFI=1,
# QEMU_EXTRA=, GDBPORT=.
run debug: deps
	@$(MAKE) --no-print-directory $(B)/ant.iso $(B)/paging.img $(B)/kernel.elf $(USER_PROGS) $(B)/modules.sh
	@MEM="$(or $(MEM),$(QEMU_RUN_MEM))" scripts/run.sh $@

# make memmap: pictures of live address spaces, read from the page tables
# through the QEMU monitor (scripts/memmap.py): build/memmap/before.svg,
# build/memmap/after.svg (an ICC page moved from the shell to the console).
memmap: deps
	@$(MAKE) --no-print-directory $(B)/kernel.elf $(USER_PROGS) $(B)/modules.sh
	B=$(B) && . $(B)/modules.sh && python3 scripts/memmap.py $(B)/kernel.elf "$$MODS_system" $(B)/memmap

# make bochs: the system's ISO on Bochs (scripts/bochsrc), the VGA screen
# in the terminal, the serial line in
# build/bochs-serial.log; Bochs' own debugger is told to continue
# (scripts/bochs.rc). Quit with Ctrl-C, then `q`.
bochs: deps
	@$(MAKE) --no-print-directory $(B)/ant.iso
	BXSHARE=/usr/share/bochs bochs -q -f scripts/bochsrc -rc scripts/bochs.rc

$(B)/host/test_host: $(HOST_SRC) $(wildcard tests/host/*.h) $(FONT_H)
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) -o $@ $(HOST_SRC)

host-tests: $(B)/host/test_host
	$(B)/host/test_host

test: deps
	@$(MAKE) --no-print-directory $(B)/kernel.elf $(B)/kernel-test.elf $(B)/ant.iso $(B)/ant-test.iso \
	    $(MODULES) $(B)/modules.sh $(B)/host/test_host
	tests/run.sh

# Figures of the IPC and ICC fast paths, in guest instructions (QEMU -icount).
bench: deps
	@$(MAKE) --no-print-directory $(B)/kernel.elf $(USER_PROGS) $(B)/modules.sh
	scripts/bench.sh

# The hostile-program suite's long runs (scripts/hostile.sh): FUZZ_CALLS
# random system calls (default 5,000,000); servers crashed and replaced for
# SOAK_SECONDS (default 300) while clients check every reply.
fuzz soak: deps
	@$(MAKE) --no-print-directory $(B)/kernel.elf $(USER_PROGS) $(B)/modules.sh
	scripts/hostile.sh $@

# Write the ISO to a USB stick, after checking it is one (scripts/mkusb.sh).
usb:
	@$(MAKE) --no-print-directory $(B)/ant.iso
	scripts/mkusb.sh "$(DEV)" $(B)/ant.iso

clean:
	rm -rf $(B)

-include $(shell find $(B) -name '*.d' 2>/dev/null)
