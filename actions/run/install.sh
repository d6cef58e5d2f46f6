#!/usr/bin/env bash
# Step 1 of the tollgate action: put a tollgate executable on disk and write its path to the
# step output `tollgate`. In order of preference:
#   TOLLGATE_PATH                an executable the workflow already has;
#   TOLLGATE_BUILD_FROM_SOURCE   "true": swift build -c release in the action's checkout;
#   otherwise                    download the release tarball of TOLLGATE_VERSION from
#                                TOLLGATE_RELEASE_URL and check it against its SHA256SUMS.
set -euo pipefail

fail() { echo "::error title=tollgate install::$*"; echo "tollgate install: error: $*" >&2; exit 1; }
output() { echo "$1=$2" >> "${GITHUB_OUTPUT:?GITHUB_OUTPUT is not set}"; }

action_root=$(cd "$(dirname "$0")/../.." && pwd)
tools="${RUNNER_TEMP:-${TMPDIR:-/tmp}}/tollgate-action"
mkdir -p "$tools"

if [ -n "${TOLLGATE_PATH:-}" ]; then
    [ -x "$TOLLGATE_PATH" ] || fail "tollgate-path '$TOLLGATE_PATH' is not an executable file"
    binary=$(cd "$(dirname "$TOLLGATE_PATH")" && pwd)/$(basename "$TOLLGATE_PATH")
    echo "tollgate install: using '$binary'"
elif [ "${TOLLGATE_BUILD_FROM_SOURCE:-false}" = "true" ]; then
    command -v swift > /dev/null || fail "build-from-source needs a Swift toolchain on PATH (swift.org, or swift-actions/setup-swift)"
    scratch="$tools/build"
    echo "tollgate install: building from source in '$action_root'"
    swift build -c release --product tollgate --package-path "$action_root" --scratch-path "$scratch" >&2
    binary="$scratch/release/tollgate"
else
    version=${TOLLGATE_VERSION:?set the version input}
    base=${TOLLGATE_RELEASE_URL:?set the release-url input}
    arch=$(uname -m)
    name="tollgate-$version-linux-$arch"
    folder="$tools/$name"
    mkdir -p "$folder"
    echo "tollgate install: downloading $base/v$version/$name.tar.gz"
    curl -fsSL --retry 3 -o "$folder/$name.tar.gz" "$base/v$version/$name.tar.gz" || fail "cannot download '$base/v$version/$name.tar.gz'"
    curl -fsSL --retry 3 -o "$folder/SHA256SUMS" "$base/v$version/SHA256SUMS" || fail "cannot download '$base/v$version/SHA256SUMS'"
    grep -q " \*\?$name.tar.gz\$" "$folder/SHA256SUMS" || fail "SHA256SUMS of v$version has no line for '$name.tar.gz'"
    (cd "$folder" && grep " \*\?$name.tar.gz\$" SHA256SUMS | sha256sum -c --status -) || fail "checksum mismatch for '$name.tar.gz'; refusing to run it"
    tar -xzf "$folder/$name.tar.gz" -C "$folder"
    binary="$folder/$name/tollgate"
fi

[ -x "$binary" ] || fail "no tollgate executable at '$binary'"
"$binary" --version > /dev/null || fail "'$binary --version' failed; is it built for $(uname -m) Linux?"
echo "tollgate install: $("$binary" --version) at '$binary'"
output tollgate "$binary"
