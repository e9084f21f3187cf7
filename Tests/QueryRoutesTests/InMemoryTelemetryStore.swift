import Events

@testable import QueryService

/// `TelemetryReading` over one-second buckets held in memory, merged into the asked resolution as the SQL does.
struct InMemoryTelemetryStore: TelemetryReading {
    /// Key "session/driver": one-second buckets.
    var seconds: [String: [TelemetryBucket]] = [:]

    func buckets(session: String, driver: Int, range: TimeRange, resolution: Int) async throws -> [TelemetryBucket] {
        let inRange = (seconds["\(session)/\(driver)"] ?? []).filter { $0.time >= range.from && $0.time < range.to }
        let width = Int64(resolution) * 1_000_000
        let grouped = Dictionary(grouping: inRange) { Timestamp.floorDivision($0.time.microseconds, width) * width }
        return grouped.keys.sorted().map { start in
            let parts = grouped[start]!
            let n = Double(parts.map(\.samples).reduce(0, +))
            func mean(_ value: (TelemetryBucket) -> Double) -> Double { parts.map { value($0) * Double($0.samples) }.reduce(0, +) / n }
            return TelemetryBucket(
                time: Timestamp(microseconds: start), samples: Int64(n), speedMin: parts.map(\.speedMin).min()!,
                speedMax: parts.map(\.speedMax).max()!, speedMean: mean(\.speedMean), throttleMean: mean(\.throttleMean),
                brakeShare: mean(\.brakeShare), gearMax: parts.map(\.gearMax).max()!, drsOpenShare: mean(\.drsOpenShare))
        }
    }
}
