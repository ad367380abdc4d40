# fstab-restore.sh: puts back the lines this run commented out or made nofail (byte for byte, final newline
# or not) and removes the backup older releases left. Other edits made meanwhile are kept. Reads both marker
# formats: "#cvm-image-pipeline:<token># <original>" (every release) and the nofail pair of include images.
# Running it again is a no-op.
set -e
check_fstab
count=0
if [ -f "$FSTAB" ]; then count=$(count_marked "$FSTAB"); fi
if [ "$count" -gt 0 ]; then
  # A nofail marker line is followed by the active line the fix derived from it: dropped, if it still names
  # the same device and mount point; anything else there means someone edited it, and we cannot be sure.
  if ! awk -v mark="$MARK" -v nofail="$NOFAIL_MARK" '
    skip { skip = 0; split(orig, o, /[ \t]+/); if ($1 == o[1] && $2 == o[2]) next; bad = 1 }
    index($0, mark) == 1 { print substr($0, length(mark) + 1); next }
    index($0, nofail) == 1 { orig = substr($0, length(nofail) + 1); sub(/^[ \t]+/, "", orig); print substr($0, length(nofail) + 1); skip = 1; next }
    { print }
    END { if (bad || skip) exit 4 }
  ' "$FSTAB" >"$TMP.raw"; then
    rm -f "$TMP.raw"
    refuse "a nofail line this run added to /etc/fstab was edited or removed; restore it by hand"
  fi
  stage_fstab <"$TMP.raw"
  rm -f "$TMP.raw"
  commit_fstab
fi
# An older release's fix added a final newline the original lacked; its backup tells: drop that newline
# when it is the only difference, then remove the backup (it must not reach a later image).
if [ -f "$OLD_BACKUP" ] && [ -f "$FSTAB" ] && ! ends_with_newline "$OLD_BACKUP" && ends_with_newline "$FSTAB" &&
  [ "$(($(wc -c <"$FSTAB") - 1))" = "$(wc -c <"$OLD_BACKUP")" ] &&
  head -c "$(wc -c <"$OLD_BACKUP")" "$FSTAB" | cmp -s - "$OLD_BACKUP"; then
  truncate -s -1 "$FSTAB"
fi
rm -f "$OLD_BACKUP"
printf 'RESTORED\t%s\n' "$count"
echo END
