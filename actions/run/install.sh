#!/usr/bin/env bash
# Step 1 of the tollgate action: put a tollgate executable on disk and write its path to the
# step output `tollgate`. In order of preference:
#   TOLLGATE_PATH                an executable the workflow already has;
#   TOLLGATE_BUILD_FROM_SOURCE   "true": swift build -c release in the action's checkout;
#   otherwise                    download the release tarball from TOLLGATE_RELEASE_URL and check
#                                it against the checksum pinned in this action (SHA256SUMS beside
#                                this script, written by scripts/pin-release), never one fetched
#                                from the same place. The version is TOLLGATE_VERSION, else the
#                                release tag the action is used at (TOLLGATE_ACTION_REF, vX.Y.Z),
#                                else the one release the action pins (used at @v1 or a branch).
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
    pins="$(dirname "$0")/SHA256SUMS"
    version=${TOLLGATE_VERSION:-}
    ref=${TOLLGATE_ACTION_REF:-}
    if [ -z "$version" ] && [[ "$ref" =~ ^v?[0-9]+\.[0-9]+\.[0-9]+$ ]]; then
        version=${ref#v}
    elif [ -z "$version" ]; then
        # A ref that names no version (@v1, a branch): the release pinned at that commit.
        pinned_versions=$(sed -n 's/^[0-9a-f]\{64\}  \*\{0,1\}tollgate-\(.*\)-linux-[^-]*\.tar\.gz$/\1/p' "$pins" | sort -u)
        [ "$(echo "$pinned_versions" | grep -c .)" -eq 1 ] || fail "the action is used at '${ref:-an unknown ref}', which names no release, and pins no single release: set the version input, tollgate-path or build-from-source"
        version=$pinned_versions
    fi
    base=${TOLLGATE_RELEASE_URL:?set the release-url input}
    arch=$(uname -m)
    name="tollgate-$version-linux-$arch"
    pinned=$(awk -v file="$name.tar.gz" '$2 == file || $2 == "*" file' "$pins")
    [ -n "$pinned" ] || fail "this version of the action pins no checksum for '$name.tar.gz': use the action at that release tag, tollgate-path or build-from-source"
    folder="$tools/$name"
    mkdir -p "$folder"
    echo "tollgate install: downloading $base/v$version/$name.tar.gz"
    curl -fsSL --retry 3 -o "$folder/$name.tar.gz" "$base/v$version/$name.tar.gz" || fail "cannot download '$base/v$version/$name.tar.gz'"
    (cd "$folder" && echo "$pinned" | sha256sum -c --status -) || fail "checksum mismatch for '$name.tar.gz' against the action's pinned SHA256SUMS; refusing to run it"
    tar -xzf "$folder/$name.tar.gz" -C "$folder"
    binary="$folder/$name/tollgate"
fi

[ -x "$binary" ] || fail "no tollgate executable at '$binary'"
"$binary" --version > /dev/null || fail "'$binary --version' failed; is it built for $(uname -m) Linux?"
echo "tollgate install: $("$binary" --version) at '$binary'"
output tollgate "$binary"
