# fstab-apply.sh: on an instance launched from the image, puts the source's data-disk lines back active in
# place of the commented copies the image carries (this run's marker), with nofail so a missing disk never
# blocks boot, and mounts them. Reads the lines from the instance's own /etc/fstab (nothing travels through
# the workflow's history). Running it again is a no-op.
set -e
check_fstab
added=0
if [ -f "$FSTAB" ]; then added=$(awk -v a="$MARK" 'index($0, a) == 1 { c++ } END { print c + 0 }' "$FSTAB"); fi
if [ "$added" -gt 0 ]; then
  mount_points=$(awk -v mark="$MARK" 'index($0, mark) == 1 { $0 = substr($0, length(mark) + 1); if ($3 != "swap" && $2 != "none") print $2 }' "$FSTAB")
  awk -v mark="$MARK" '
    index($0, mark) != 1 { print; next }
    {
      $0 = substr($0, length(mark) + 1)
      if (NF < 4) $4 = "defaults"
      if (("," $4 ",") !~ /,nofail,/) $4 = $4 ",nofail"
      if (NF < 5) $5 = "0"
      if (NF < 6) $6 = "0"
      print $1 "\t" $2 "\t" $3 "\t" $4 "\t" $5 " " $6
    }
  ' "$FSTAB" | stage_fstab
  commit_fstab
  while IFS= read -r mp; do
    case "$mp" in */../* | */.. | '') continue ;; /*) mkdir -p "${GUEST_ROOT:-}$mp" ;; esac
  done <<<"$mount_points"
fi
printf 'ADDED\t%s\n' "$added"
if out=$(mount -a 2>&1); then echo "MOUNTED	ok"; else echo "MOUNTED	failed	$(clip "$(printf '%s' "$out" | tr '\n\t' '  ')" 300)"; fi
echo END
