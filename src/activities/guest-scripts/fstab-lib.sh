# fstab-lib.sh: classifies /etc/fstab lines into data-disk lines and lines to keep. Sourced by the other
# guest scripts (the activity concatenates them), so it only defines functions and variables.
#
# A data-disk line is any active line whose filesystem lives on a disk other than the system disk.
# Kept: the root filesystem, anything else on the system disk (/boot, swap on it), swap files, pseudo and
# network filesystems, bind mounts. A device we cannot resolve counts as a data disk: on an instance
# launched from the image it would hang boot, which is exactly what commenting it out prevents.
# Everything is read under ${GUEST_ROOT:-}, so the same script runs on a real instance and in the emulator.

FSTAB="${GUEST_ROOT:-}/etc/fstab"
MARK="#cvm-image-pipeline:${TOKEN:-none}# "
BACKUP="${FSTAB}.cvm-image-pipeline.${TOKEN:-none}.bak"

PSEUDO_FS=" proc sysfs devpts tmpfs devtmpfs securityfs cgroup cgroup2 pstore debugfs tracefs hugetlbfs mqueue configfs fusectl binfmt_misc efivarfs bpf autofs rpc_pipefs nfsd overlay ramfs "
NETWORK_FS=" nfs nfs4 cifs smbfs smb3 glusterfs ceph 9p davfs fuse.sshfs fuse.glusterfs lustre "

# The whole disk a block device belongs to: /dev/vdb1 -> vdb, /dev/nvme1n1p2 -> nvme1n1.
disk_of() {
  local dev="$1" parent name
  [ -n "$dev" ] || return 1
  parent=$(lsblk -n -o PKNAME "$dev" 2>/dev/null | head -n1 | tr -d '[:space:]')
  # Only a plausible kernel disk name counts (a limited lsblk may print something else).
  case "$parent" in *[!a-z0-9]* | '') ;; *) echo "$parent"; return 0 ;; esac
  name="${dev##*/}"
  case "$name" in
    nvme*n*p[0-9]*) echo "${name%p*}" ;;
    nvme*n*) echo "$name" ;;
    [a-z]*[a-z][0-9]*) echo "${name%%[0-9]*}" ;;
    [a-z]*) echo "$name" ;;
    *) return 1 ;;
  esac
}

# The device an fstab spec names, if the guest can tell.
resolve_spec() {
  local spec="$1" value
  case "$spec" in
    UUID=*) value="${spec#UUID=}"; blkid -U "${value//\"/}" 2>/dev/null | head -n1 ;;
    LABEL=*) value="${spec#LABEL=}"; blkid -L "${value//\"/}" 2>/dev/null | head -n1 ;;
    PARTUUID=* | PARTLABEL=*) blkid -o device -t "${spec//\"/}" 2>/dev/null | head -n1 ;;
    /dev/disk/by-uuid/*) blkid -U "${spec##*/}" 2>/dev/null | head -n1 ;;
    /dev/disk/by-label/*) blkid -L "${spec##*/}" 2>/dev/null | head -n1 ;;
    /dev/*) echo "$spec" ;;
  esac
}

ROOT_DEV=$(findmnt -n -o SOURCE / 2>/dev/null | head -n1 | tr -d '[:space:]')
ROOT_DISK=$(disk_of "$ROOT_DEV" 2>/dev/null || true)

# Prints "DATA|KEEP<TAB>reason" for one fstab entry.
classify_entry() {
  local spec="$1" mp="$2" fstype="$3" opts="$4" dev disk
  case "$PSEUDO_FS" in *" $fstype "*) printf 'KEEP\tpseudo filesystem %s' "$fstype"; return ;; esac
  case "$NETWORK_FS" in *" $fstype "*) printf 'KEEP\tnetwork filesystem %s' "$fstype"; return ;; esac
  case ",$opts," in *,_netdev,*) printf 'KEEP\tnetwork filesystem (_netdev)'; return ;; esac
  case ",$opts," in *,bind,* | *,rbind,*) printf 'KEEP\tbind mount'; return ;; esac
  if [ "$mp" = "/" ]; then printf 'KEEP\troot filesystem'; return; fi
  case "$spec" in
    /dev/* | UUID=* | LABEL=* | PARTUUID=* | PARTLABEL=*) ;;
    /*) printf 'KEEP\tfile %s on the root filesystem' "$spec"; return ;;
    *) printf 'KEEP\tnot a block device (%s)' "$spec"; return ;;
  esac
  dev=$(resolve_spec "$spec")
  disk=$(disk_of "$dev" 2>/dev/null || true)
  if [ -n "$disk" ] && [ -n "$ROOT_DISK" ]; then
    if [ "$disk" = "$ROOT_DISK" ]; then printf 'KEEP\ton the system disk %s' "$disk"
    else printf 'DATA\t%s on %s, not the system disk %s' "$spec" "$disk" "$ROOT_DISK"; fi
    return
  fi
  # The guest could not say: judge by the conventional system-disk names and mount points.
  if [ -n "$disk" ]; then
    case "$disk" in
      vda | sda | xvda | hda | nvme0n1) printf 'KEEP\ton %s, the usual system disk' "$disk" ;;
      *) printf 'DATA\t%s on %s, not the usual system disk' "$spec" "$disk" ;;
    esac
    return
  fi
  case "$mp" in
    /boot | /boot/efi) printf 'KEEP\tsystem mount point %s' "$mp" ;;
    *) printf 'DATA\t%s cannot be resolved on this instance' "$spec" ;;
  esac
}

# Prints one "DATA|KEEP<TAB>line number<TAB>reason<TAB>original line" per active fstab entry.
classify_fstab() {
  local n=0 line trimmed spec mp fstype opts rest verdict
  [ -f "$FSTAB" ] || return 0
  while IFS= read -r line || [ -n "$line" ]; do
    n=$((n + 1))
    trimmed="${line#"${line%%[![:space:]]*}"}"
    case "$trimmed" in '' | '#'*) continue ;; esac
    read -r spec mp fstype opts rest <<<"$trimmed"
    verdict=$(classify_entry "$spec" "$mp" "$fstype" "${opts:-defaults}")
    printf '%s\t%s\t%s\t%s\n' "${verdict%%$'\t'*}" "$n" "${verdict#*$'\t'}" "$line"
  done <"$FSTAB"
}

# Lines this run commented out earlier, reported as data lines with their original text.
marked_lines() {
  local n=0 line
  [ -f "$FSTAB" ] || return 0
  while IFS= read -r line || [ -n "$line" ]; do
    n=$((n + 1))
    case "$line" in "$MARK"*) printf 'DATA\t%s\tcommented out by this pipeline\t%s\n' "$n" "${line#"$MARK"}" ;; esac
  done <"$FSTAB"
}
