import Foundation
import Events
import Projections

@testable import QueryService

/// `ParkingReading` over values held in memory; history is a list of timed counts per area, bucketed as the
/// SQL does.
struct InMemoryParkingStore: ParkingReading {
    var facilities: [String: FacilitySummary] = [:]
    var current: [String: [AreaOccupancyLine]] = [:]
    /// Key "facility/scope/level/zone": changes in time order.
    var changes: [String: [(time: Timestamp, counts: OccupancyCounts)]] = [:]
    var steps: [String: [ForecastStep]] = [:]
    var raised: [String: [(time: Timestamp, json: String)]] = [:]
    var offline: [String: [SensorLine]] = [:]
    var stayDurations: [String: [(ended: Timestamp, seconds: Int64)]] = [:]

    static func key(_ f: String, _ scope: OccupancyScope, _ level: String, _ zone: String) -> String { "\(f)/\(scope.rawValue)/\(level)/\(zone)" }

    func facility(_ facility: String) async throws -> FacilitySummary? { facilities[facility] }

    func facilities(_ page: IDPage) async throws -> [(id: String, summary: FacilitySummary)] {
        InMemoryOrder.page(facilities, page).map { ($0.key, $0.value) }
    }

    func areas(_ facility: String) async throws -> [AreaOccupancyLine] { current[facility] ?? [] }

    func areaExists(_ facility: String, scope: OccupancyScope, level: String, zone: String) async throws -> Bool {
        changes[Self.key(facility, scope, level, zone)] != nil
    }

    func occupancyChanges(
        _ facility: String, scope: OccupancyScope, level: String, zone: String, range: TimeRange, width: Int64
    ) async throws -> [OccupancyChange] {
        let inRange = (changes[Self.key(facility, scope, level, zone)] ?? []).filter { $0.time >= range.from && $0.time < range.to }
        let grouped = Dictionary(grouping: inRange) { Timestamp.floorDivision($0.time.seconds - BucketInterval.originSeconds, width) }
        return grouped.keys.sorted().map { b in
            let g = grouped[b]!
            return OccupancyChange(
                bucket: b, last: g.last!.counts, occupiedMin: g.map(\.counts.occupied).min()!, occupiedMax: g.map(\.counts.occupied).max()!)
        }
    }

    func occupancy(_ facility: String, scope: OccupancyScope, level: String, zone: String, before time: Timestamp) async throws
        -> OccupancyCounts?
    {
        (changes[Self.key(facility, scope, level, zone)] ?? []).last { $0.time < time }?.counts
    }

    func forecast(_ facility: String) async throws -> [ForecastStep] { steps[facility] ?? [] }

    func alerts(_ facility: String, before: ListCursor?, since: Timestamp?, limit: Int) async throws -> [(position: ListCursor, json: String)] {
        // An alert's id is its place among the facility's alerts (they are held in order).
        let all = (raised[facility] ?? []).enumerated().map { (position: ListCursor(time: $1.time, key: String(format: "a%06d", $0)), json: $1.json) }
        let wanted = all.filter { a in
            (since == nil || a.position.time > since!) && (before.map { (a.position.time, a.position.key) < ($0.time, $0.key) } ?? true)
        }
        return Array(wanted.reversed().prefix(limit))
    }

    func offlineSensors(_ facility: String) async throws -> [SensorLine] { offline[facility] ?? [] }

    func stays(_ facility: String, range: TimeRange, edges: [Int64]) async throws -> StayStatistics {
        let d = (stayDurations[facility] ?? []).filter { $0.ended >= range.from && $0.ended < range.to }.map(\.seconds).sorted()
        var histogram = [Int64](repeating: 0, count: edges.count)
        for s in d { if let i = edges.lastIndex(where: { $0 <= s }) { histogram[i] += 1 } }
        func percentile(_ p: Double) -> Int64? { d.isEmpty ? nil : d[max(0, Int((p * Double(d.count)).rounded(.up)) - 1)] }
        return StayStatistics(
            count: Int64(d.count), meanSeconds: d.isEmpty ? nil : Double(d.reduce(0, +)) / Double(d.count),
            medianSeconds: percentile(0.5), p90Seconds: percentile(0.9), histogram: histogram)
    }
}
