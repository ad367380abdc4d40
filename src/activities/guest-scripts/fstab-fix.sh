# fstab-fix.sh: prepares /etc/fstab for imaging. FIX_MODE=comment (default): the data-disk lines are
# commented out behind this run's marker, so instances launched from an image without the data disks boot
# (the seed's caution). FIX_MODE=nofail (dataDisks: include, the image carries the disks): each data line
# without nofail stays active with nofail added, its original kept on the line before behind the nofail
# marker, so launched instances mount their disks and a missing one never blocks boot.
#
# No backup file: a copy on the instance's disk is imaged with it (credentials and all), and /run is a tmpfs
# that the pipeline's own stop clears before the restore. The marked lines hold the original bytes after the
# marker, and the rewrite never adds a final newline, so fstab-restore.sh gives back the file byte for byte.
# Running it again is a no-op.
set -e
check_fstab
classify_marked
if [ "${#DATA_LINES[@]}" -gt 0 ]; then
  report 1
  echo END
  exit 0
fi
classify_fstab
if [ "${#DATA_LINES[@]}" -eq 0 ]; then
  report 0
  echo END
  exit 0
fi
total=$(awk 'END { print NR }' "$FSTAB")
if [ "${FIX_MODE:-comment}" = nofail ]; then
  marked=()
  for n in "${DATA_LINES[@]}"; do
    case ",${OPTS[n]}," in *,nofail,*) ;; *) marked+=("$n") ;; esac
  done
  awk -v lines="${marked[*]}" -v mark="$NOFAIL_MARK" '
    BEGIN { n = split(lines, a, " "); for (i = 1; i <= n; i++) c[a[i]] = 1 }
    !(NR in c) { print; next }
    { print mark $0; if (NF < 4) { $4 = "defaults" }; $4 = $4 ",nofail"; if (NF < 5) { $5 = "0" }; if (NF < 6) { $6 = "0" }; print }
  ' "$FSTAB" | stage_fstab
  want_lines=$((total + ${#marked[@]}))
else
  marked=("${DATA_LINES[@]}")
  awk -v lines="${marked[*]}" -v mark="$MARK" '
    BEGIN { n = split(lines, a, " "); for (i = 1; i <= n; i++) c[a[i]] = 1 }
    { if (NR in c) print mark $0; else print }
  ' "$FSTAB" | stage_fstab
  want_lines=$total
fi
# The staged file must hold exactly the marked lines and line count expected, or nothing is changed.
if [ "$(count_marked "$TMP")" != "${#marked[@]}" ] || [ "$(awk 'END { print NR }' "$TMP")" != "$want_lines" ]; then
  rm -f "$TMP"
  refuse "the rewritten /etc/fstab did not come out as expected; nothing was changed"
fi
commit_fstab
report 1
echo END
