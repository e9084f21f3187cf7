/// Parking stays that ended in a range: how many, their mean, exact median and 90th percentile (seconds), and
/// how many fall in each bin of `ParkingRoutes.stayEdges`.
struct StayStatistics: Sendable, Equatable {
    var count: Int64
    var meanSeconds: Double?
    var medianSeconds: Int64?
    var p90Seconds: Int64?
    /// One count per edge: stays from that edge up to the next.
    var histogram: [Int64]
}
