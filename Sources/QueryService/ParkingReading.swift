import Events
import Projections

/// What the parking read routes need from storage: the PostgreSQL store in production (`ParkingReadStore`),
/// an in-memory one in route tests.
protocol ParkingReading: Sendable {
    /// Nil for an unknown facility.
    func facility(_ facility: String) async throws -> FacilitySummary?
    /// Facilities by id (byte order) after the page's cursor, at most one more than its limit.
    func facilities(_ page: IDPage) async throws -> [(id: String, summary: FacilitySummary)]
    /// Every level and zone now, by scope, level and zone.
    func areas(_ facility: String) async throws -> [AreaOccupancyLine]
    func areaExists(_ facility: String, scope: OccupancyScope, level: String, zone: String) async throws -> Bool
    /// The area's changes in `[range.from, range.to)` grouped in buckets of `width` seconds, by bucket.
    func occupancyChanges(
        _ facility: String, scope: OccupancyScope, level: String, zone: String, range: TimeRange, width: Int64
    ) async throws -> [OccupancyChange]
    /// The area's counts at its last change before `time`.
    func occupancy(_ facility: String, scope: OccupancyScope, level: String, zone: String, before time: Timestamp) async throws
        -> OccupancyCounts?
    /// The steps of the newest forecast, by time.
    func forecast(_ facility: String) async throws -> [ForecastStep]
    /// Alerts raised after `since` (all without) and before `before` (by time, then event id), newest first, at most
    /// `limit`: each as it was sent (JSON) with its place in that order.
    func alerts(_ facility: String, before: ListCursor?, since: Timestamp?, limit: Int) async throws -> [(position: ListCursor, json: String)]
    /// Sensors offline now, longest silent first.
    func offlineSensors(_ facility: String) async throws -> [SensorLine]
    func stays(_ facility: String, range: TimeRange, edges: [Int64]) async throws -> StayStatistics
}
