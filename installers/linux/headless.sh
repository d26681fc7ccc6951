#!/usr/bin/env bash
# Run a command as on a seller's Linux desktop, without a screen: a session bus with a Secret Service keychain
# (gnome-keyring) and an X server (Xvfb), so the self-test exercises the real xcb plugin and keychain backend.
#   installers/linux/headless.sh dist/SellerDesk/sellerdesk-cli --self-test
# Needs: apt-get install xvfb xauth libxcb-cursor0 dbus gnome-keyring
set -euo pipefail
for tool in dbus-run-session gnome-keyring-daemon xvfb-run; do
  command -v "$tool" >/dev/null || {
    echo "headless.sh: $tool is missing (apt-get install xvfb xauth libxcb-cursor0 dbus gnome-keyring)" >&2; exit 127; }
done
if [ -z "${DBUS_SESSION_BUS_ADDRESS:-}" ]; then
  # dbus-daemon's own lines (fd limits when run as root, service activation) are not the command's output.
  exec dbus-run-session -- "$0" "$@" 2> >(grep -v '^dbus-daemon\[' >&2)
fi
gnome-keyring-daemon --start --components=secrets >/dev/null
if [ -z "${DISPLAY:-}" ]; then
  exec xvfb-run -a -s "-screen 0 1280x1024x24" "$@"
fi
exec "$@"
