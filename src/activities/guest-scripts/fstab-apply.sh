# fstab-apply.sh: on an instance launched from the image, puts the source's data-disk lines back (with
# nofail, so a missing disk never blocks boot) in place of the commented copies the image carries, and
# mounts them. LINES_B64 holds the lines, base64, one per line. Running it again is a no-op.
set -e
entries=$(printf '%s' "$LINES_B64" | base64 -d)
tmp="${FSTAB}.cvm-image-pipeline.tmp"
cp -p "$FSTAB" "$tmp"
awk -v mark="$MARK" 'index($0, mark) != 1' "$FSTAB" >"$tmp"
mv -f "$tmp" "$FSTAB"
added=0
while IFS= read -r entry || [ -n "$entry" ]; do
  [ -n "$entry" ] || continue
  read -r spec mp fstype opts rest <<<"$entry"
  case ",${opts:-defaults}," in *,nofail,*) ;; *) opts="${opts:-defaults},nofail" ;; esac
  line="$spec	$mp	$fstype	$opts	${rest:-0 0}"
  if ! awk -v s="$spec" -v m="$mp" '$1 == s && $2 == m { found = 1 } END { exit !found }' "$FSTAB"; then
    printf '%s\n' "$line" >>"$FSTAB"
    added=$((added + 1))
  fi
  if [ "$fstype" != "swap" ] && [ "$mp" != "none" ]; then mkdir -p "${GUEST_ROOT:-}$mp"; fi
done <<<"$entries"
echo "ADDED	$added"
if out=$(mount -a 2>&1); then echo "MOUNTED	ok"; else echo "MOUNTED	failed	$(printf '%s' "$out" | tr '\n\t' '  ')"; fi
