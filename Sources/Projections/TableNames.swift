/// Physical table names, in one place. SQL in migrations uses `{{logical_name}}` placeholders and SQL in the
/// runtime reads these properties, so a blue/green rebuild can move a projection to a new set of tables
/// (`suffix: "_v2"`) while the old set keeps serving.
public struct RuntimeTables: Sendable, Equatable {
    public var offsets: String
    public var outbox: String
    public var migrations: String

    public init(offsets: String = "turnstile_offsets", outbox: String = "turnstile_outbox",
                migrations: String = "turnstile_migrations") {
        self.offsets = offsets
        self.outbox = outbox
        self.migrations = migrations
    }

    public var placeholders: [String: String] { ["offsets": offsets, "outbox": outbox, "migrations": migrations] }
}

public struct ParksTables: Sendable, Equatable {
    public var waitTimes: String
    public var attractionCurrent: String
    public var attractionBaselines: String
    public var crowdLevels: String
    public var parkCrowdCurrent: String
    public var parkSchedules: String

    public init(suffix: String = "") {
        waitTimes = "wait_times" + suffix
        attractionCurrent = "attraction_current" + suffix
        attractionBaselines = "attraction_baselines" + suffix
        crowdLevels = "crowd_levels" + suffix
        parkCrowdCurrent = "park_crowd_current" + suffix
        parkSchedules = "park_schedules" + suffix
    }

    public var placeholders: [String: String] {
        [
            "wait_times": waitTimes, "attraction_current": attractionCurrent,
            "attraction_baselines": attractionBaselines, "crowd_levels": crowdLevels,
            "park_crowd_current": parkCrowdCurrent, "park_schedules": parkSchedules,
        ]
    }
}

public struct MotorsportTables: Sendable, Equatable {
    public var lapTimes: String
    public var sessionLeaderboard: String
    public var sessionState: String
    public var stints: String
    public var raceEvents: String
    public var telemetry: String
    public var telemetry1s: String

    public init(suffix: String = "") {
        lapTimes = "lap_times" + suffix
        sessionLeaderboard = "session_leaderboard" + suffix
        sessionState = "session_state" + suffix
        stints = "stints" + suffix
        raceEvents = "race_events" + suffix
        telemetry = "telemetry" + suffix
        telemetry1s = "telemetry_1s" + suffix
    }

    public var placeholders: [String: String] {
        ["lap_times": lapTimes, "session_leaderboard": sessionLeaderboard, "session_state": sessionState, "stints": stints,
         "race_events": raceEvents, "telemetry": telemetry, "telemetry_1s": telemetry1s]
    }
}

public struct ParkingTables: Sendable, Equatable {
    public var facilities: String
    public var sensors: String
    public var occupancyCurrent: String
    public var occupancyHistory: String
    public var stays: String
    public var forecasts: String
    public var alerts: String
    public var state: String

    public init(suffix: String = "") {
        facilities = "parking_facilities" + suffix
        sensors = "parking_sensors" + suffix
        occupancyCurrent = "occupancy_current" + suffix
        occupancyHistory = "occupancy_history" + suffix
        stays = "parking_stays" + suffix
        forecasts = "occupancy_forecasts" + suffix
        alerts = "parking_alerts" + suffix
        state = "parking_state" + suffix
    }

    public var placeholders: [String: String] {
        ["parking_facilities": facilities, "parking_sensors": sensors, "occupancy_current": occupancyCurrent,
         "occupancy_history": occupancyHistory, "parking_stays": stays, "occupancy_forecasts": forecasts,
         "parking_alerts": alerts, "parking_state": state]
    }
}
