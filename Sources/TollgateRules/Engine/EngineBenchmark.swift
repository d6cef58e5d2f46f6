/// Times the engine over a synthetic workload (used by `tollgate rules bench-engine`).
package enum EngineBenchmark {
    package struct Result: Sendable {
        package var evaluated: Int
        /// Wall-clock seconds.
        package var seconds: Double
        /// CPU seconds of the evaluating thread.
        package var cpuSeconds: Double
        package var matches: Int
        package var mix: String
        /// Events per CPU second of one core.
        package var eventsPerSecond: Double { Double(evaluated) / cpuSeconds }

        package var report: String {
            """
            event mix: \(mix)
            evaluated \(evaluated) events in \(Int(cpuSeconds * 1000)) ms of CPU (\(Int(seconds * 1000)) ms wall), \(matches) rule matches
            engine throughput: \(Int(eventsPerSecond)) events/s on one core (\(Int(Double(evaluated) / seconds)) events/s wall clock)
            """
        }
    }

    /// Pre-decodes a workload, warms up, then evaluates whole passes until `events` are done.
    package static func run(_ engine: Engine, events: Int, workloadSize: Int = 20_000) -> Result {
        let workload = SyntheticWorkload.make(count: workloadSize)
        var matches = 0
        for event in workload.events { matches &+= engine.matchCount(event) }
        matches = 0
        let passes = max(1, events / workload.events.count)
        let clock = ContinuousClock()
        let cpuStart = threadCPUSeconds()
        let elapsed = clock.measure {
            workload.events.withUnsafeBufferPointer { events in
                for _ in 0..<passes {
                    for index in events.indices { matches &+= engine.matchCount(events[index]) }
                }
            }
        }
        let cpu = threadCPUSeconds() - cpuStart
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return Result(evaluated: passes * workload.events.count, seconds: seconds, cpuSeconds: cpu, matches: matches, mix: workload.mix)
    }
}
