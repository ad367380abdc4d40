# fstab-scan.sh: reports the data-disk lines of /etc/fstab without changing anything.
if [ -n "$(marked_lines)" ]; then
  echo "FIXED	1"
  marked_lines
fi
classify_fstab
