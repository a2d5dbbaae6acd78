#!/bin/sh
# mkusb.sh DEV [ISO]: write the ISO (build/ant.iso) to the USB stick DEV,
# after checking that DEV is one: a whole disk (not a partition) that the
# kernel calls removable, not mounted (nor any of its partitions), no
# bigger than USB_MAX_GB (default 256). It shows the model and size and
# asks before writing (YES=1 answers for you); it syncs, then reads the
# image back and compares.
#
# For the tests: SYSFS (default /sys) and MOUNTS (default /proc/mounts)
# may point at fakes, and DEV may then be a plain file named like the
# fake block device.
set -eu
dev=${1:-}
iso=${2:-build/ant.iso}
sysfs=${SYSFS:-/sys}
mounts=${MOUNTS:-/proc/mounts}
max_gb=${USB_MAX_GB:-256}

refuse() {
    echo "mkusb: refused: $*" >&2
    exit 1
}

[ -n "$dev" ] || refuse "say which device: make usb DEV=/dev/sdX (see lsblk)"
[ -e "$dev" ] || refuse "$dev does not exist"
[ -f "$iso" ] || refuse "$iso does not exist (run make first)"
real=$(readlink -f "$dev")
name=$(basename "$real")
blk=$sysfs/class/block/$name
[ -b "$real" ] || [ -n "${SYSFS:-}" ] || refuse "$dev is not a block device"
[ -d "$blk" ] || refuse "$dev is not a disk the kernel knows ($blk is missing)"
[ ! -e "$blk/partition" ] || refuse "$dev is a partition: give the whole stick (e.g. /dev/sdb, not /dev/sdb1)"
removable=$(cat "$blk/removable" 2>/dev/null || echo 0)
[ "$removable" = 1 ] || refuse "$dev is not removable: it looks like a built-in disk"
sectors=$(cat "$blk/size" 2>/dev/null || echo 0)
bytes=$((sectors * 512))
[ "$bytes" -gt 0 ] || refuse "$dev has no size (no medium?)"
[ "$bytes" -le $((max_gb * 1024 * 1024 * 1024)) ] ||
    refuse "$dev holds $((bytes >> 30)) GiB, more than USB_MAX_GB=$max_gb: not a stick?"
iso_bytes=$(wc -c < "$iso")
[ "$iso_bytes" -le "$bytes" ] || refuse "$dev is smaller than the image ($iso_bytes bytes)"
# mounted: the device, or any partition of it (sdb1, nvme0n1p1, ...)
if awk -v d="$real" -v n="$name" '
        { split($1, a, "/"); base = a[length(a)] }
        $1 == d || index(base, n) == 1 { found = 1 }
        END { exit !found }' "$mounts"; then
    refuse "$dev (or a partition of it) is mounted: unmount it first"
fi
model=$(cat "$blk/device/model" 2>/dev/null || true)
vendor=$(cat "$blk/device/vendor" 2>/dev/null || true)
echo "mkusb: $dev: $(echo "$vendor $model" | sed 's/  */ /g;s/^ //;s/ $//') ($((bytes >> 20)) MiB, removable)"
echo "mkusb: everything on it will be lost."
if [ "${YES:-}" != 1 ]; then
    printf "mkusb: write %s to %s? type yes: " "$iso" "$dev"
    read -r answer || answer=
    [ "$answer" = yes ] || refuse "not confirmed"
fi
dd if="$iso" of="$dev" bs=4M conv=fsync,notrunc status=none
sync
if cmp -n "$iso_bytes" "$iso" "$dev" >/dev/null 2>&1; then
    echo "mkusb: written and read back: $iso_bytes bytes match"
else
    echo "mkusb: FAILED: what was read back from $dev differs from $iso" >&2
    exit 1
fi
