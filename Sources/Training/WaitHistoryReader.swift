import Events
import Forecasting
import Postgres
import Projections

/// Reads what a wait-time model trains on from the parks projections' tables (wherever their active versions
/// live): the `wait_times` history attraction by attraction, each park's schedules and time zone.
public struct WaitHistoryReader: Sendable {
    public let tables: any TableNaming

    public init(tables: any TableNaming) { self.tables = tables }

    public struct Attraction: Sendable, Equatable {
        public var parkID: String
        public var attractionID: String
        public var timeZone: String?
    }

    /// First and last reading (µs), nil when the history is empty.
    public func extent(session: PGSession) throws -> (from: Int64, to: Int64)? {
        let r = try session.execute("SELECT min(time), max(time) FROM \(tables[WaitTimesTables.waitTimes])")
        guard r.rowCount == 1, let from = try r.timestamp(0, 0), let to = try r.timestamp(0, 1) else { return nil }
        return (from, to)
    }

    /// Every attraction the projection knows, by park and id.
    public func attractions(session: PGSession) throws -> [Attraction] {
        let r = try session.execute(
            "SELECT park_id, attraction_id, time_zone FROM \(tables[WaitTimesTables.attractionCurrent]) ORDER BY park_id, attraction_id")
        return (0..<r.rowCount).map { Attraction(parkID: r.string($0, 0) ?? "", attractionID: r.string($0, 1) ?? "", timeZone: r.string($0, 2)) }
    }

    /// Each park's calendar: its schedules, and its time zone (the schedules', else its attractions').
    public func calendars(attractions: [Attraction], session: PGSession) throws -> [String: ParkCalendar] {
        var calendars: [String: ParkCalendar] = [:]
        for a in attractions where calendars[a.parkID] == nil || calendars[a.parkID]?.timeZone == nil {
            calendars[a.parkID] = ParkCalendar(timeZone: a.timeZone)
        }
        let r = try session.execute(
            "SELECT park_id, date::text, opens_at, closes_at, time_zone FROM \(tables[CrowdTables.parkSchedules])")
        for i in 0..<r.rowCount {
            guard let park = r.string(i, 0), let date = r.string(i, 1), let opens = try r.timestamp(i, 2), let closes = try r.timestamp(i, 3)
            else { continue }
            var calendar = calendars[park] ?? ParkCalendar(timeZone: nil)
            if let zone = r.string(i, 4) { calendar.timeZone = zone }
            calendar.add(date: date, opens: Timestamp(microseconds: opens), closes: Timestamp(microseconds: closes))
            calendars[park] = calendar
        }
        return calendars
    }

    /// Each park's weather reports of hours in [from, to) (every report, with when it was fetched).
    public func weather(from: Int64, to: Int64, session: PGSession) throws -> [String: WeatherHours] {
        let r = try session.execute(
            """
            SELECT park_id, hour, reported_at, temperature_c, precipitation_mm FROM \(tables[WeatherTables.reports])
             WHERE hour >= $1 AND hour < $2
            """, [.timestamp(from), .timestamp(to)])
        var weather: [String: WeatherHours] = [:]
        for i in 0..<r.rowCount {
            guard let park = r.string(i, 0), let hour = try r.timestamp(i, 1), let reportedAt = try r.timestamp(i, 2) else { continue }
            weather[park, default: WeatherHours()].add(
                hourStart: hour, reportedAt: reportedAt, .init(temperatureC: try r.double(i, 3), precipitationMM: try r.double(i, 4)))
        }
        return weather
    }

    /// One attraction's readings in [from, to), in time order.
    public func observations(_ a: Attraction, from: Int64, to: Int64, session: PGSession) throws -> [WaitTrainingSet.Observation] {
        let r = try session.execute(
            """
            SELECT time, wait_minutes, status FROM \(tables[WaitTimesTables.waitTimes])
             WHERE park_id = $1 AND attraction_id = $2 AND time >= $3 AND time < $4 ORDER BY time
            """, [.text(a.parkID), .text(a.attractionID), .timestamp(from), .timestamp(to)])
        var observations: [WaitTrainingSet.Observation] = []
        observations.reserveCapacity(r.rowCount)
        for i in 0..<r.rowCount {
            guard let time = try r.timestamp(i, 0), let status = r.string(i, 2).flatMap(AttractionStatus.init(rawValue:)) else { continue }
            observations.append(.init(time: time, wait: try r.int(i, 1).map(Int.init), status: status))
        }
        return observations
    }
}
