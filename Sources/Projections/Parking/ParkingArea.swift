/// A level/zone of a facility ("" where the facility is not divided that way): the unit capacity is given for.
public struct ParkingArea: Sendable, Hashable, Comparable {
    public var level: String
    public var zone: String

    public init(level: String, zone: String) {
        self.level = level
        self.zone = zone
    }

    public static func < (a: Self, b: Self) -> Bool { (a.level, a.zone) < (b.level, b.zone) }
}

/// Which rows of `occupancy_current` an occupancy figure is: the whole facility, one level, or one zone.
public enum OccupancyScope: String, Sendable, CaseIterable {
    case facility, level, zone
}

/// Occupancy of a facility, a level or a zone: the one model for spot-based and count-based facilities.
/// `occupied + free + unknown == capacity`; `unknown` are spots whose sensor is offline or never confirmed.
public struct AreaOccupancy: Sendable, Equatable {
    public var scope: OccupancyScope
    public var level: String
    public var zone: String
    public var occupied: Int
    public var free: Int
    public var unknown: Int
    public var capacity: Int

    public init(scope: OccupancyScope, level: String, zone: String, occupied: Int = 0, free: Int = 0, unknown: Int = 0, capacity: Int = 0) {
        self.scope = scope
        self.level = level
        self.zone = zone
        self.occupied = occupied
        self.free = free
        self.unknown = unknown
        self.capacity = capacity
    }

    /// The row's key within its facility.
    public var key: String { "\(scope.rawValue)/\(level)/\(zone)" }

    mutating func add(_ o: AreaOccupancy) {
        occupied += o.occupied
        free += o.free
        unknown += o.unknown
        capacity += o.capacity
    }
}
