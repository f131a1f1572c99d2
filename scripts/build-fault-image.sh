#!/usr/bin/env bash
# Builds the network-fault helper image: Debian bookworm minbase with iptables
# and iproute2, imported as zmq-lab/netfault:bookworm. A helper runs for one
# command inside a target container's network namespace with NET_ADMIN; the
# lab's services never get a capability of their own. Prints the tag.
#
#   usage: scripts/build-fault-image.sh [tag]
set -euo pipefail
exec bash "$(dirname "$0")/build-debian-image.sh" "${1:-zmq-lab/netfault:bookworm}" iptables,iproute2 '["sh"]'
