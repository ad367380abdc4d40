# fstab-fix.sh: comments out the data-disk lines of /etc/fstab (marked with this run's token, after a
# backup), so instances launched from the image boot without the data disks. Running it again is a no-op.
set -e
if [ -n "$(marked_lines)" ]; then
  echo "FIXED	1"
  marked_lines
  exit 0
fi
report=$(classify_fstab)
data=$(printf '%s\n' "$report" | awk -F '\t' '$1 == "DATA" { printf "%s%s", sep, $2; sep = "," }')
printf '%s\n' "$report" | grep -v '^$' || true
[ -n "$data" ] || exit 0
[ -f "$BACKUP" ] || cp -p "$FSTAB" "$BACKUP"
tmp="${FSTAB}.cvm-image-pipeline.tmp"
cp -p "$FSTAB" "$tmp"
awk -v lines="$data" -v mark="$MARK" '
  BEGIN { n = split(lines, a, ","); for (i = 1; i <= n; i++) c[a[i]] = 1 }
  { if (NR in c) print mark $0; else print }
' "$FSTAB" >"$tmp"
mv -f "$tmp" "$FSTAB"
echo "FIXED	1"
