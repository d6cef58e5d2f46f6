// swift-tools-version: 6.1
import PackageDescription

// One shipped executable, six libraries and one C target; beside them, not products, the
// benchmark executable and the support it shares with the tests. See README "Project layout".
let package = Package(
    name: "tollgate",
    products: [
        .executable(name: "tollgate", targets: ["tollgate"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.3"),
    ],
    targets: [
        // The only C: libbpf and libseccomp glue, fork/exec with pre-exec hooks, ptrace.
        // `include/tollgate_record.h` is the one record layout shared with the BPF programs.
        .target(
            name: "CTollgate",
            cSettings: [.define("_GNU_SOURCE")],
            linkerSettings: [.linkedLibrary("bpf"), .linkedLibrary("seccomp")]
        ),
        // Typed events, syscall tables, process/fd state, capture files. Imports nothing of ours.
        // Exclusivity checks were a third of the decoder's per-event instructions (callgrind);
        // its class state is only touched through plain property reads and writes.
        .target(name: "TollgateEvents", swiftSettings: [.unsafeFlags(["-enforce-exclusivity=unchecked"])]),
        // Falco rule language: files, conditions, fields, engine, findings. No C, no privileges.
        .target(
            name: "TollgateRules",
            dependencies: ["TollgateEvents", .product(name: "Yams", package: "Yams")]
        ),
        // SARIF, JUnit, Falco JSON lines, Markdown summary, annotations; atomic writes.
        .target(name: "TollgateReports", dependencies: ["TollgateRules", "TollgateEvents"]),
        // Compiles the bpf/*.bpf.c of the target it is applied to and embeds the objects as Swift sources.
        .plugin(name: "EmbedBPF", capability: .buildTool()),
        // Embeds rules/*.yaml, the default ruleset, into the executable.
        .plugin(name: "EmbedRules", capability: .buildTool()),
        // Behaviour baselines: the run's inventory, the baseline file, what is new.
        .target(name: "TollgateBaseline", dependencies: ["TollgateRules", "TollgateEvents"]),
        .target(
            name: "TollgateCapture",
            dependencies: ["CTollgate", "TollgateEvents"],
            exclude: ["bpf"],
            plugins: ["EmbedBPF"]
        ),
        // The gate session `run` and `analyze` drive: a Gate per capture (decoding, state,
        // evaluation, enforcement decisions), the verdict, the run report and the exit
        // statuses (ArgumentParser's ExitCode, nothing else of it). Prints nothing.
        .target(
            name: "TollgateGate",
            dependencies: [
                "TollgateBaseline",
                "TollgateCapture",
                "TollgateEvents",
                "TollgateReports",
                "TollgateRules",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Containers the job starts through an engine: the Docker Engine API proxy that places
        // them in the run's cgroup and notes what it cannot place.
        .target(
            name: "TollgateContainers",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .executableTarget(
            name: "tollgate",
            dependencies: [
                "TollgateBaseline",
                "TollgateCapture",
                "TollgateContainers",
                "TollgateEvents",
                "TollgateGate",
                "TollgateRules",
                "TollgateReports",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            plugins: ["EmbedRules"]
        ),
        // Not shipped: what benchmarks and tests need and the product must not carry.
        // C: each backend's floor (a bare ptrace loop, a bare seccomp notifier) and the
        // verifier's figures of loaded BPF programs.
        .target(
            name: "CTollgateBench",
            dependencies: ["CTollgate"],
            cSettings: [.define("_GNU_SOURCE")],
            linkerSettings: [.linkedLibrary("bpf")]
        ),
        // Synthetic event mixes, the engine benchmark, the floors, the empty BPF programs.
        .target(
            name: "TollgateBenchSupport",
            dependencies: ["CTollgate", "CTollgateBench", "TollgateCapture", "TollgateEvents", "TollgateRules"],
            exclude: ["bpf"],
            plugins: ["EmbedBPF"]
        ),
        // `tollgate-bench floor|engine`, built by the benchmark scripts (`swift build --product tollgate-bench`).
        .executableTarget(
            name: "tollgate-bench",
            dependencies: [
                "TollgateBenchSupport",
                "TollgateCapture",
                "TollgateEvents",
                "TollgateGate",
                "TollgateRules",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            plugins: ["EmbedRules"]
        ),
        .testTarget(name: "TollgateEventsTests", dependencies: ["TollgateEvents", "TollgateBenchSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "TollgateRulesTests", dependencies: ["TollgateEvents", "TollgateRules", "TollgateBenchSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "TollgateReportsTests", dependencies: ["TollgateEvents", "TollgateReports", "TollgateRules"], exclude: ["Golden"]),
        .testTarget(name: "TollgateCaptureTests", dependencies: ["CTollgate", "CTollgateBench", "TollgateCapture", "TollgateEvents", "TollgateBenchSupport"]),
        .testTarget(name: "TollgateContainersTests", dependencies: ["TollgateContainers"]),
        .testTarget(name: "TollgateBaselineTests", dependencies: ["TollgateBaseline"], exclude: ["Golden"]),
        .testTarget(
            name: "TollgateGateTests",
            dependencies: [
                "TollgateCapture", "TollgateGate", "TollgateReports", "TollgateRules",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(
            name: "TollgateCLITests",
            dependencies: [
                "tollgate", "TollgateBenchSupport", "TollgateCapture", "TollgateEvents", "TollgateGate", "TollgateReports",
                "TollgateRules",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
    ]
)
