/// What changed in an area within one bucket of its history: the counts at the bucket's last change, and the
/// lowest and highest occupied within it.
struct OccupancyChange: Sendable, Equatable {
    /// The bucket's index since `BucketInterval.originSeconds`, in buckets of the asked width.
    var bucket: Int64
    var last: OccupancyCounts
    var occupiedMin: Int64
    var occupiedMax: Int64
}
