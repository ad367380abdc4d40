# fstab-lib.sh: classifies /etc/fstab lines into data-disk lines and lines to keep. Sourced by the other
# guest scripts (the activity concatenates them), so it only defines functions and variables.
#
# A data-disk line is any active line whose filesystem lives on a disk other than the system disk(s), and
# any bind mount whose source lives under such a line's mount point (commenting the disk out but leaving
# the bind active drops the boot into emergency mode just the same).
# Kept: the root filesystem, anything else on the disk(s) the root lives on (/boot, swap, other LVM volumes
# of the root's volume group), swap files, pseudo and network filesystems, other bind mounts. A device we
# cannot resolve counts as a data disk: on an instance launched from the image it would hang boot, which is
# exactly what commenting it out prevents.
# Everything is read under ${GUEST_ROOT:-}, so the same script runs on a real instance and in the emulator.
#
# Output is bounded whatever /etc/fstab holds: TAT keeps at most 24 KB of a command's output (TaskResult.Output,
# "Base64编码后的命令输出。最大长度24KB", tencentcloud-sdk-nodejs tat/v20201028/tat_models.d.ts; TaskResult.Dropped
# counts what was cut). Whether the 24 KB counts the base64 or the raw bytes is not stated, so the report stays
# under 18 KB raw: counts, at most REPORT_ROWS data rows, each field clipped, and an END line the activity
# insists on seeing. No fstab line is printed verbatim (options carry credentials): rows show the device, the
# mount point and the option names only.

# Every byte is a character: Latin-1 or any other non-UTF-8 byte never makes grep call the text binary, nor
# awk or bash skip it.
export LC_ALL=C
FSTAB="${GUEST_ROOT:-}/etc/fstab"
MARK="#cvm-image-pipeline:${TOKEN:-none}# "
# include images: the data line stays active with nofail; the original follows this marker on the line before.
NOFAIL_MARK="#cvm-image-pipeline:${TOKEN:-none}:nofail# "
# Releases before the no-backup change left this copy of the original fstab beside it (and so in every
# image). Never made any more; restore still removes it.
OLD_BACKUP="${FSTAB}.cvm-image-pipeline.${TOKEN:-none}.bak"
REPORT_ROWS=40

PSEUDO_FS=" proc sysfs devpts tmpfs devtmpfs securityfs cgroup cgroup2 pstore debugfs tracefs hugetlbfs mqueue configfs fusectl binfmt_misc efivarfs bpf autofs rpc_pipefs nfsd overlay ramfs "
NETWORK_FS=" nfs nfs4 cifs smbfs smb3 glusterfs ceph 9p davfs fuse.sshfs fuse.glusterfs lustre "

# Stops with a clear message (stderr, bounded) and exit 3: the pipeline must not act when it cannot be sure.
refuse() {
  printf 'REFUSED\t%s\n' "$(clip "$1" 300)"
  printf 'cvm-image-pipeline: refusing: %s\n' "$(clip "$1" 300)" >&2
  exit 3
}

# Printable ASCII only, at most $2 bytes: report fields never carry control or 8-bit bytes.
clip() {
  printf '%s' "$1" | tr -c '[:print:]' '?' | head -c "${2:-120}"
}

# Shape checks that come before any classification or edit.
check_fstab() {
  [ -f "$FSTAB" ] || return 0
  [ ! -L "$FSTAB" ] || refuse "/etc/fstab is a symbolic link; edit it by hand or pass fstab: ignore"
  if [ "$(tr -d '\000' <"$FSTAB" | wc -c)" != "$(wc -c <"$FSTAB")" ]; then
    refuse "/etc/fstab contains NUL bytes, so its lines cannot be read reliably"
  fi
}

# Whether the file ends with a newline (or is empty): a rewrite keeps it that way, byte for byte.
ends_with_newline() {
  [ ! -s "$1" ] || [ -z "$(tail -c 1 "$1")" ]
}

TMP="${FSTAB}.cvm-image-pipeline.tmp"

# Writes stdin to $TMP, without a final newline when $FSTAB had none (awk always adds one), so a fix and its
# restore give back the original byte for byte. commit_fstab then moves it over $FSTAB atomically.
stage_fstab() {
  local had_newline=1
  ends_with_newline "$FSTAB" || had_newline=0
  cat >"$TMP"
  if [ "$had_newline" = 0 ] && [ -s "$TMP" ] && [ -z "$(tail -c 1 "$TMP")" ]; then truncate -s -1 "$TMP"; fi
}

commit_fstab() {
  chmod --reference="$FSTAB" "$TMP" 2>/dev/null || true
  chown --reference="$FSTAB" "$TMP" 2>/dev/null || true
  mv -f "$TMP" "$FSTAB"
}

# Lines starting with this run's markers in file $1.
count_marked() {
  awk -v a="$MARK" -v b="$NOFAIL_MARK" 'index($0, a) == 1 || index($0, b) == 1 { c++ } END { print c + 0 }' "$1"
}

# The whole disk a block device belongs to: /dev/vdb1 -> vdb, /dev/nvme1n1p2 -> nvme1n1, and an LVM volume
# /dev/mapper/vg-root -> the disk under its physical volume (lsblk's parent chain, walked to the top).
disk_of() {
  local dev="$1" name parent i
  [ -n "$dev" ] || return 1
  name=""
  parent=$(lsblk -n -o PKNAME "$dev" 2>/dev/null | head -n1 | tr -d '[:space:]')
  for i in 1 2 3 4 5 6 7 8; do
    # Only a plausible kernel name counts (a limited lsblk may print something else); no parent: a disk.
    case "$parent" in *[!a-z0-9]* | '') break ;; esac
    name="$parent"
    parent=$(lsblk -n -o PKNAME "/dev/$name" 2>/dev/null | head -n1 | tr -d '[:space:]')
  done
  if [ -n "$name" ]; then echo "$name"; return 0; fi
  # lsblk could not say: the name itself, for the usual virtual-disk spellings only (never a mapper name).
  name="${dev##*/}"
  case "$dev" in
    /dev/nvme*n*p[0-9]*) echo "${name%p*}" ;;
    /dev/nvme*n*) echo "$name" ;;
    /dev/[sv]d[a-z]* | /dev/xvd[a-z]* | /dev/hd[a-z]*) echo "${name%%[0-9]*}" ;;
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

# Prints "DATA|KEEP|BIND<TAB>reason" for one fstab entry (BIND: decided once the data mount points are known).
classify_entry() {
  local spec="$1" mp="$2" fstype="$3" opts="$4" dev disk
  case "$PSEUDO_FS" in *" $fstype "*) printf 'KEEP\tpseudo filesystem'; return ;; esac
  case "$NETWORK_FS" in *" $fstype "*) printf 'KEEP\tnetwork filesystem'; return ;; esac
  case ",$opts," in *,_netdev,*) printf 'KEEP\tnetwork filesystem (_netdev)'; return ;; esac
  case ",$opts," in *,bind,* | *,rbind,*) printf 'BIND\tbind mount'; return ;; esac
  if [ "$mp" = "/" ]; then printf 'KEEP\troot filesystem'; return; fi
  case "$spec" in
    /dev/* | UUID=* | LABEL=* | PARTUUID=* | PARTLABEL=*) ;;
    /*) printf 'KEEP\tfile on the root filesystem'; return ;;
    *) printf 'KEEP\tnot a block device'; return ;;
  esac
  dev=$(resolve_spec "$spec")
  disk=$(disk_of "$dev" 2>/dev/null || true)
  if [ -n "$disk" ] && [ -n "$ROOT_DISK" ]; then
    if [ "$disk" = "$ROOT_DISK" ]; then printf 'KEEP\ton the system disk %s' "$disk"
    else printf 'DATA\ton %s, not the system disk %s' "$disk" "$ROOT_DISK"; fi
    return
  fi
  # The guest could not say: judge by the conventional system-disk names and mount points.
  if [ -n "$disk" ]; then
    case "$disk" in
      vda | sda | xvda | hda | nvme0n1) printf 'KEEP\ton %s, the usual system disk' "$disk" ;;
      *) printf 'DATA\ton %s, not the usual system disk' "$disk" ;;
    esac
    return
  fi
  case "$mp" in
    /boot | /boot/efi) printf 'KEEP\tsystem mount point %s' "$mp" ;;
    *) printf 'DATA\tdevice cannot be resolved on this instance' ;;
  esac
}

# Whether path $1 is $2 or lies below it.
under() {
  [ "$1" = "$2" ] || [ "${1#"${2%/}"/}" != "$1" ]
}

# Classifies every active line into CLASS[n], REASON[n], SPEC[n], MP[n], OPTS[n]; DATA_LINES lists the data
# line numbers in order, KEPT counts the rest.
classify_fstab() {
  local n=0 line trimmed spec mp fstype opts rest verdict changed i j
  DATA_ACTIVE=() KEPT=0 ACTIVE=()
  CLASS=() REASON=() SPEC=() MP=() FSTYPE=() OPTS=()
  [ -f "$FSTAB" ] || return 0
  while IFS= read -r line || [ -n "$line" ]; do
    n=$((n + 1))
    trimmed="${line#"${line%%[![:space:]]*}"}"
    case "$trimmed" in '' | '#'*) continue ;; esac
    read -r spec mp fstype opts rest <<<"$trimmed"
    verdict=$(classify_entry "$spec" "$mp" "$fstype" "${opts:-defaults}")
    ACTIVE+=("$n")
    CLASS[n]="${verdict%%$'\t'*}" REASON[n]="${verdict#*$'\t'}"
    SPEC[n]="$spec" MP[n]="$mp" FSTYPE[n]="$fstype" OPTS[n]="${opts:-defaults}"
  done <"$FSTAB"
  # A bind mount whose source lies on a data line's mount point (or on such a bind) goes with that line.
  changed=1
  while [ "$changed" = 1 ]; do
    changed=0
    for i in "${ACTIVE[@]}"; do
      [ "${CLASS[i]}" = BIND ] || continue
      for j in "${ACTIVE[@]}"; do
        [ "${CLASS[j]}" = DATA ] || continue
        if under "${SPEC[i]}" "${MP[j]}"; then
          CLASS[i]=DATA REASON[i]="bind mount of a path on the data-disk mount point of line $j" changed=1
          break
        fi
      done
    done
  done
  for i in "${ACTIVE[@]}"; do
    if [ "${CLASS[i]}" = DATA ]; then DATA_LINES+=("$i"); else KEPT=$((KEPT + 1)); fi
  done
}

# Option names only, values hidden: "defaults,nofail,credentials=*,uid=*".
option_names() {
  printf '%s' "$1" | tr ',' '\n' | sed 's/=.*/=*/' | paste -sd, -
}

# One bounded report row for data line $1: device, mount point, type, option names; never the line itself.
report_row() {
  local n="$1"
  printf 'DATA\t%s\t%s\t%s %s %s %s\n' "$n" "$(clip "${REASON[n]}" 120)" "$(clip "${SPEC[n]}" 100)" \
    "$(clip "${MP[n]}" 100)" "$(clip "${FSTYPE[n]}" 20)" "$(clip "$(option_names "${OPTS[n]}")" 100)"
}

# Rows for the first REPORT_ROWS data lines, then the counts. $1: 1 when this run's edit is in place.
report() {
  local i shown=0
  for i in "${DATA_LINES[@]}"; do
    [ "$shown" -lt "$REPORT_ROWS" ] || break
    report_row "$i"
    shown=$((shown + 1))
  done
  printf 'COUNT\t%s\t%s\t%s\n' "${#DATA_LINES[@]}" "$KEPT" "${1:-0}"
}

# Line numbers this run commented out (or made nofail) earlier, in the same arrays, from the originals.
classify_marked() {
  local n=0 line orig spec mp fstype opts rest
  DATA_ACTIVE=() KEPT=0
  CLASS=() REASON=() SPEC=() MP=() FSTYPE=() OPTS=()
  [ -f "$FSTAB" ] || return 0
  while IFS= read -r line || [ -n "$line" ]; do
    n=$((n + 1))
    case "$line" in
      "$MARK"*) orig="${line#"$MARK"}" ;;
      "$NOFAIL_MARK"*) orig="${line#"$NOFAIL_MARK"}" ;;
      *) continue ;;
    esac
    read -r spec mp fstype opts rest <<<"$orig"
    DATA_LINES+=("$n")
    REASON[n]="changed by this pipeline run" SPEC[n]="$spec" MP[n]="$mp" FSTYPE[n]="$fstype" OPTS[n]="${opts:-defaults}"
  done <"$FSTAB"
}
