#!/usr/bin/env bash
# Builds a release tollgate for the host architecture that needs nothing but glibc at run time:
# the Swift runtime (--static-swift-stdlib) and Debian's libbpf, libelf, libz and libseccomp
# archives are linked in. Writes out/tollgate-<version>-linux-<arch>.tar.gz and out/SHA256SUMS.
#
#   scripts/release.sh [--scratch-path DIR] [--out DIR]
#
# The static archives are linked by putting a folder that holds only them first on the library
# search path: `-lbpf` then resolves to libbpf.a, with no unsafe flags in Package.swift.
set -euo pipefail
cd "$(dirname "$0")/.."

scratch=.build-release
out=out
while [ $# -gt 0 ]; do
    case "$1" in
        --scratch-path) scratch=$2; shift 2 ;;
        --out) out=$2; shift 2 ;;
        *) echo "release.sh: error: unknown argument '$1'; use --scratch-path DIR or --out DIR" >&2; exit 64 ;;
    esac
done

arch=$(uname -m)
multiarch="$arch-linux-gnu"
archives=(libbpf.a libelf.a libz.a libseccomp.a)
staticdir=$(mktemp -d)
trap 'rm -rf "$staticdir"' EXIT
for archive in "${archives[@]}"; do
    source="/usr/lib/$multiarch/$archive"
    if [ ! -f "$source" ]; then
        echo "release.sh: error: '$source' is missing; install libbpf-dev libelf-dev zlib1g-dev libseccomp-dev" >&2
        exit 1
    fi
    ln -s "$source" "$staticdir/$archive"
done
# The Swift runtime and Foundation need the C++ runtime and the unwinder: link gcc's archives
# for them too (libgcc_eh is the static counterpart of libgcc_s).
gcc_dir=$(dirname "$(gcc -print-file-name=libstdc++.a)")
for archive in libstdc++.a libgcc_eh.a; do
    [ -f "$gcc_dir/$archive" ] || { echo "release.sh: error: '$gcc_dir/$archive' is missing; install libstdc++-12-dev (or the gcc matching the toolchain)" >&2; exit 1; }
done
ln -s "$gcc_dir/libstdc++.a" "$staticdir/libstdc++.a"
ln -s "$gcc_dir/libgcc_eh.a" "$staticdir/libgcc_s.a"

swift build -c release --product tollgate --scratch-path "$scratch" \
    --static-swift-stdlib \
    -Xlinker -L"$staticdir" -Xlinker -lbpf -Xlinker -lseccomp -Xlinker -lelf -Xlinker -lz

binary="$scratch/release/tollgate"
version=$("$binary" --version)

# Only glibc may stay dynamic.
allowed='^(linux-vdso\.so\.1|libc\.so\.6|libm\.so\.6|libpthread\.so\.0|libdl\.so\.2|librt\.so\.1|ld-linux[-a-z0-9_]*\.so\.[0-9]+|/lib6?4?/ld-linux[-a-z0-9_]*\.so\.[0-9]+)$'
bad=$(ldd "$binary" | awk '{print $1}' | grep -Ev "$allowed" || true)
if [ -n "$bad" ]; then
    echo "release.sh: error: '$binary' still links dynamically against:" >&2
    echo "$bad" | sed 's/^/  /' >&2
    exit 1
fi

name="tollgate-$version-linux-$arch"
mkdir -p "$out"
stage=$(mktemp -d)
trap 'rm -rf "$staticdir" "$stage"' EXIT
mkdir "$stage/$name"
cp "$binary" "$stage/$name/tollgate"
strip "$stage/$name/tollgate" 2>/dev/null || true
cp LICENSE* "$stage/$name/" 2>/dev/null || true
tar -C "$stage" -czf "$out/$name.tar.gz" "$name"
(cd "$out" && sha256sum "$name.tar.gz" > SHA256SUMS)
echo "release.sh: wrote $out/$name.tar.gz ($(du -h "$out/$name.tar.gz" | cut -f1)), $out/SHA256SUMS"
ldd "$stage/$name/tollgate" | sed 's/^/  ldd: /'
