import TollgateRules

/// Times the engine over a synthetic workload (`tollgate-bench engine`).
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

    /// Nanoseconds each rule's condition costs per event of the mix, most expensive first:
    /// where a ruleset spends the engine's time, for rule authors tuning conditions. Rules
    /// are timed in context (every candidate rule of an event in order, sharing its macros
    /// and field values, as the engine runs them), with the clock's own cost subtracted.
    package static func ruleCosts(_ engine: Engine, workloadSize: Int = 20_000, passes: Int = 5) -> [(rule: String, nanoseconds: Double)] {
        let workload = SyntheticWorkload.make(count: workloadSize)
        let rules = engine.ruleSet.rules
        var totals = [Int64](repeating: 0, count: rules.count)
        var clockCost: Int64 = 0
        var calls = 0
        let clock = ContinuousClock()
        for _ in 0..<passes {
            for event in workload.events {
                for position in engine.candidatePositions(for: event.type) {
                    let start = clock.now
                    _ = engine.ruleMatches(rules[position], event)
                    let end = clock.now
                    totals[position] += nanoseconds(start.duration(to: end))
                    let check = clock.now
                    clockCost += nanoseconds(end.duration(to: check))
                    calls += 1
                }
            }
        }
        let overhead = Double(clockCost) / Double(max(calls, 1))
        let perEvent = Double(passes * workload.events.count)
        return rules.indices.filter { rules[$0].enabled }.map { position in
            let evaluations = Double(passes) * Double(workload.events.count { engine.candidatePositions(for: $0.type).contains(position) })
            return (rules[position].name, max(0, Double(totals[position]) - overhead * evaluations) / perEvent)
        }.sorted { $0.nanoseconds > $1.nanoseconds }
    }

    private static func nanoseconds(_ duration: Duration) -> Int64 {
        duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000
    }
}
