# fstab-scan.sh: reports the data-disk lines of /etc/fstab without changing anything (counts and bounded rows).
set -e
check_fstab
classify_marked
if [ "${#DATA_LINES[@]}" -gt 0 ]; then
  report 1
else
  classify_fstab
  report 0
fi
echo END
