#!/usr/bin/env bash
# scripts/mkusb.sh against plain files standing for devices, with a fake
# sysfs and mounts table: it writes and verifies a good stick, and refuses
# a partition, a fixed disk, a mounted stick, one too big or too small,
# and an answer that is not "yes". One line a case: "usb: PASS name".
set -u
cd "$(dirname "$0")/../.."
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
iso=$t/image.iso
head -c 3000000 /dev/urandom > "$iso"

# stick NAME SECTORS REMOVABLE [partition]: a fake device and its sysfs entry
stick() {
    mkdir -p "$t/sys/class/block/$1/device"
    echo "$2" > "$t/sys/class/block/$1/size"
    echo "$3" > "$t/sys/class/block/$1/removable"
    echo "Flash Stick" > "$t/sys/class/block/$1/device/model"
    [ "${4:-}" = partition ] && echo 1 > "$t/sys/class/block/$1/partition"
    truncate -s $(($2 * 512)) "$t/$1"
}

run() {                          # run EXPECT(0|1) NAME [ENV...] -- ARGS
    local want=$1 name=$2 rc
    shift 2
    env SYSFS="$t/sys" MOUNTS="$t/mounts" "$@" > "$t/$name.out" 2>&1 < "${INPUT:-/dev/null}"
    rc=$?
    if { [ "$want" = 0 ] && [ $rc = 0 ]; } || { [ "$want" = 1 ] && [ $rc != 0 ]; }; then
        echo "usb: PASS $name"
    else
        echo "usb: FAIL $name: exit $rc: $(tr '\n' ' ' < "$t/$name.out")"
    fi
}

: > "$t/mounts"
stick good 65536 1
run 0 writes-and-verifies YES=1 scripts/mkusb.sh "$t/good" "$iso"
if cmp -n 3000000 "$iso" "$t/good" > /dev/null; then echo "usb: PASS image-on-the-stick"
else echo "usb: FAIL image-on-the-stick: the bytes differ"; fi
grep -q "Flash Stick (32 MiB, removable)" "$t/writes-and-verifies.out" &&
    echo "usb: PASS shows-model-and-size" || echo "usb: FAIL shows-model-and-size: $(cat "$t/writes-and-verifies.out")"
stick fixed 65536 0
run 1 refuses-a-fixed-disk YES=1 scripts/mkusb.sh "$t/fixed" "$iso"
grep -q "not removable" "$t/refuses-a-fixed-disk.out" && echo "usb: PASS says-not-removable" ||
    echo "usb: FAIL says-not-removable"
stick good1 60000 1 partition
run 1 refuses-a-partition YES=1 scripts/mkusb.sh "$t/good1" "$iso"
stick huge $((600 * 1024 * 1024 * 2)) 1
run 1 refuses-a-huge-disk YES=1 scripts/mkusb.sh "$t/huge" "$iso"
stick tiny 100 1
run 1 refuses-a-disk-smaller-than-the-image YES=1 scripts/mkusb.sh "$t/tiny" "$iso"
echo "/dev/mounted1 /media/stick vfat rw 0 0" > "$t/mounts"
stick mounted 65536 1
run 1 refuses-a-mounted-stick YES=1 scripts/mkusb.sh "$t/mounted" "$iso"
: > "$t/mounts"
stick asked 65536 1
echo no > "$t/answer"
INPUT=$t/answer run 1 refuses-without-yes scripts/mkusb.sh "$t/asked" "$iso"
cmp -s /dev/zero "$t/asked" -n 1000000 && echo "usb: PASS nothing-written-when-refused" ||
    echo "usb: FAIL nothing-written-when-refused"
echo yes > "$t/answer"
INPUT=$t/answer run 0 writes-after-yes scripts/mkusb.sh "$t/asked" "$iso"
run 1 refuses-no-device scripts/mkusb.sh "" "$iso"
run 1 refuses-a-device-not-in-sysfs YES=1 scripts/mkusb.sh "$iso" "$iso"
