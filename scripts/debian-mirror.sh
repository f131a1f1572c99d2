#!/usr/bin/env bash
# Prints the Debian mirror this machine's apt uses (deb822 sources first, then
# the classic sources.list), for mmdebstrap: the images built without a
# container registry come from the same mirror as the machine's own packages.
set -euo pipefail
mirror=$(awk '/^URIs:/ { print $2; exit }' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
if [ -z "$mirror" ]; then
  mirror=$(awk '/^deb / && $0 !~ /security/ { print $2; exit }' /etc/apt/sources.list 2>/dev/null || true)
fi
[ -n "$mirror" ] || { echo "cannot find the Debian mirror in the apt sources" >&2; exit 1; }
echo "$mirror"
