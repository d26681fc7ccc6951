#!/usr/bin/env bash
# Make SellerDesk-<version>-macos-<arch>.dmg from SellerDesk.app; sign, notarise and check it when the environment
# says how (the installers workflow sets both from its secrets; see README "Signing"):
#   MACOS_SIGN_IDENTITY    "Developer ID Application: Name (TEAMID)", its certificate in an unlocked keychain
#   MACOS_NOTARY_PROFILE   a `xcrun notarytool store-credentials` profile name (in the same keychain)
# Without them the steps are skipped with a loud note: Gatekeeper then refuses the app on macOS 15 and later.
set -euo pipefail
app="$1"; version="$2"; out="$3"; arch="${4:-$(uname -m)}"
here="$(cd "$(dirname "$0")" && pwd)"
dmg="$out/SellerDesk-$version-macos-$arch.dmg"
entitlements="$here/entitlements.plist"

loud() { echo "::warning::$*"; echo "************ NOTE: $* ************" >&2; }

sign() {  # one binary or bundle: hardened runtime, secure timestamp, the app's entitlements
  codesign --force --options runtime --timestamp --entitlements "$entitlements" --sign "$MACOS_SIGN_IDENTITY" "$1"
}

if [ -n "${MACOS_SIGN_IDENTITY:-}" ]; then
  # Inside out, never --deep: every Mach-O file (Python extensions, Qt, dylibs, executables) on its own, then the
  # frameworks, then the app itself, so no nested code is left unsigned or signed without the hardened runtime.
  while IFS= read -r -d '' file; do
    if file -b "$file" | grep -q "Mach-O"; then sign "$file"; fi
  done < <(find "$app/Contents" -type f ! -path "*/_CodeSignature/*" -print0)
  while IFS= read -r -d '' framework; do sign "$framework"; done \
    < <(find "$app/Contents" -type d -name "*.framework" -print0 | sort -rz)
  sign "$app"
  codesign --verify --deep --strict --verbose=2 "$app"
else
  loud "MACOS_SIGN_IDENTITY is not set: SellerDesk.app is NOT signed"
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
if [ -n "${MACOS_SIGN_IDENTITY:-}" ] && [ -n "${MACOS_NOTARY_PROFILE:-}" ]; then
  xcrun notarytool submit "$dmg" --keychain-profile "$MACOS_NOTARY_PROFILE" ${MACOS_KEYCHAIN:+--keychain "$MACOS_KEYCHAIN"} --wait
  xcrun stapler staple "$dmg"
  xcrun stapler validate "$dmg"
  # What Gatekeeper will say on a seller's Mac: the dmg as opened, and the app inside it.
  spctl --assess --type open --context context:primary-signature --verbose=2 "$dmg"
  mount="$(mktemp -d)"
  hdiutil attach -nobrowse -readonly -mountpoint "$mount" "$dmg" >/dev/null
  if spctl --assess --type execute --verbose=2 "$mount/SellerDesk.app"; then status=0; else status=1; fi
  hdiutil detach "$mount" >/dev/null
  [ "$status" -eq 0 ]
else
  loud "MACOS_NOTARY_PROFILE (or the signing identity) is not set: the dmg is NOT notarised"
fi
echo "$dmg"
