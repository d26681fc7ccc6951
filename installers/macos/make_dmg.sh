#!/usr/bin/env bash
# Make SellerDesk-<version>.dmg from SellerDesk.app; sign and notarise when the environment says how.
#   MACOS_SIGN_IDENTITY    "Developer ID Application: Name (TEAMID)" — codesign with the hardened runtime
#   MACOS_NOTARY_PROFILE   a `xcrun notarytool store-credentials` profile name — notarise and staple
# Without them the steps are skipped with a note (the app then needs right-click → Open on first launch).
set -euo pipefail
app="$1"; version="$2"; out="$3"
here="$(cd "$(dirname "$0")" && pwd)"
dmg="$out/SellerDesk-$version.dmg"

if [ -n "${MACOS_SIGN_IDENTITY:-}" ]; then
  codesign --deep --force --options runtime --timestamp \
    --entitlements "$here/entitlements.plist" --sign "$MACOS_SIGN_IDENTITY" "$app"
  codesign --verify --deep --strict "$app"
else
  echo "note: MACOS_SIGN_IDENTITY not set — the app is not signed" >&2
fi

staging="$(mktemp -d)"
cp -R "$app" "$staging/"
ln -s /Applications "$staging/Applications"
rm -f "$dmg"
hdiutil create -volname "SellerDesk $version" -srcfolder "$staging" -ov -format UDZO "$dmg"
rm -rf "$staging"

if [ -n "${MACOS_SIGN_IDENTITY:-}" ]; then
  codesign --force --timestamp --sign "$MACOS_SIGN_IDENTITY" "$dmg"
fi
if [ -n "${MACOS_NOTARY_PROFILE:-}" ]; then
  xcrun notarytool submit "$dmg" --keychain-profile "$MACOS_NOTARY_PROFILE" --wait
  xcrun stapler staple "$dmg"
else
  echo "note: MACOS_NOTARY_PROFILE not set — the dmg is not notarised" >&2
fi
echo "$dmg"
