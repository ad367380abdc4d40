# fstab-restore.sh: puts back the lines this run commented out (byte for byte) and removes the backup.
# Other edits made meanwhile are kept. Running it again is a no-op.
set -e
count=$(marked_lines | grep -c '^DATA' || true)
if [ "${count:-0}" -gt 0 ]; then
  tmp="${FSTAB}.cvm-image-pipeline.tmp"
  cp -p "$FSTAB" "$tmp"
  awk -v mark="$MARK" 'index($0, mark) == 1 { print substr($0, length(mark) + 1); next } { print }' "$FSTAB" >"$tmp"
  mv -f "$tmp" "$FSTAB"
fi
rm -f "$BACKUP"
echo "RESTORED	${count:-0}"
