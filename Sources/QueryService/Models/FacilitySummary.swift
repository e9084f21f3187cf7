import APIDescription
import Events

/// A facility's row of `parking_facilities`: its totals and threshold state as of its clock.
struct FacilitySummary: Sendable, Equatable {
    /// `writeFields(to:)`'s members.
    static let members: [(String, APISchema)] = [
        ("name", .nullable(.string)), ("capacity", .integer(minimum: 0)), ("occupied", .integer(minimum: 0)), ("free", .integer(minimum: 0)),
        ("unknown", .integer(minimum: 0)), ("above_threshold", .boolean), ("threshold_changed_at", .nullable(.dateTime)),
        ("alert_up_percent", .integer(minimum: 0, maximum: 100)), ("alert_down_percent", .integer(minimum: 0, maximum: 100)),
        ("sensors_offline", .integer(minimum: 0)), ("clock", .nullable(.dateTime)),
    ]

    var name: String?
    var capacity: Int64
    var occupied: Int64
    var free: Int64
    var unknown: Int64
    var aboveThreshold: Bool
    var thresholdChangedAt: Timestamp?
    var alertUpPercent: Int64
    var alertDownPercent: Int64
    var sensorsOffline: Int64
    var clock: Timestamp?

    /// Its fields, as members of the object being written.
    func writeFields(to json: inout JSONWriter) {
        json.key("name"); json.optional(name)
        json.key("capacity"); json.int(capacity)
        json.key("occupied"); json.int(occupied)
        json.key("free"); json.int(free)
        json.key("unknown"); json.int(unknown)
        json.key("above_threshold"); json.bool(aboveThreshold)
        json.key("threshold_changed_at"); json.optional(thresholdChangedAt)
        json.key("alert_up_percent"); json.int(alertUpPercent)
        json.key("alert_down_percent"); json.int(alertDownPercent)
        json.key("sensors_offline"); json.int(sensorsOffline)
        json.key("clock"); json.optional(clock)
    }
}
