#!/bin/sh
# A tiny SwiftPM package (one library, one executable, no dependencies): swift build and run.
. "$(dirname "$0")/common.sh"
mkdir -p pkg/Sources/Greeter pkg/Sources/greet && cd pkg
cat > Package.swift <<'SW'
// swift-tools-version:5.9
import PackageDescription
let package = Package(name: "greet", targets: [
    .target(name: "Greeter"),
    .executableTarget(name: "greet", dependencies: ["Greeter"]),
])
SW
printf 'public func greeting(_ name: String) -> String { "hello, \\(name)" }\n' > Sources/Greeter/Greeter.swift
printf 'import Greeter\nprint(greeting("ci"))\n' > Sources/greet/main.swift
swift build --disable-sandbox -q 2>&1 | tail -n 5
./.build/debug/greet
