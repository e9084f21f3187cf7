import Foundation
import Events

@testable import QueryService

/// `SessionReading` over lines held in memory.
struct InMemorySessionStore: SessionReading {
    var boards: [String: [LeaderboardLine]] = [:]
    var lapsByCar: [String: [LapLine]] = [:]  // key "session"
    var stintLines: [String: [StintLine]] = [:]
    var events: [String: [(time: Timestamp, json: String)]] = [:]

    func leaderboard(session: String) async throws -> [LeaderboardLine] {
        (boards[session] ?? []).sorted { ($0.position ?? .max, $0.driverNumber) < ($1.position ?? .max, $1.driverNumber) }
    }

    func bestSectors(session: String) async throws -> [BestSector] {
        (0..<3).map { i in
            let best = (boards[session] ?? []).compactMap { l in l.bestSectors[i].map { (l.driverNumber, $0) } }.min { $0.1 < $1.1 }
            return BestSector(sector: Int64(i + 1), seconds: best?.1, driverNumber: best?.0)
        }
    }

    func laps(session: String, driver: Int, after: (lap: Int64, time: Timestamp)?, limit: Int) async throws -> [LapLine] {
        let mine = (lapsByCar[session] ?? []).filter { $0.driverNumber == Int64(driver) }.sorted { ($0.lapNumber, $0.time) < ($1.lapNumber, $1.time) }
        return Array(mine.filter { lap in after.map { (lap.lapNumber, lap.time) > ($0.lap, $0.time) } ?? true }.prefix(limit))
    }

    func fastestLaps(session: String, limit: Int) async throws -> [LapLine] {
        Array((lapsByCar[session] ?? []).filter { $0.lapDuration != nil }.sorted { $0.lapDuration! < $1.lapDuration! }.prefix(limit))
    }

    func stints(session: String) async throws -> [StintLine] { stintLines[session] ?? [] }

    func raceEvents(session: String, after: ListCursor?, since: Timestamp?, limit: Int) async throws -> [(position: ListCursor, json: String)] {
        // An event's id is its place among the session's events (they are held in order).
        let all = (events[session] ?? []).enumerated().map { (ListCursor(time: $1.time, key: String(format: "e%06d", $0)), $1.json) }
        let wanted = all.filter { e in
            if let after { return (e.0.time, e.0.key) > (after.time, after.key) }
            return since == nil || e.0.time > since!
        }
        return Array(wanted.prefix(limit)).map { (position: $0.0, json: $0.1) }
    }

    func sessions(_ page: IDPage) async throws -> [SessionLine] {
        InMemoryOrder.page(boards, page).map { id, lines in
                SessionLine(
                    sessionID: id, cars: Int64(lines.count), laps: lines.map(\.lapsCompleted).max() ?? 0,
                    leader: lines.first { $0.position == 1 }?.driverNumber, updatedAt: lines.map(\.updatedAt).max())
        }
    }

    func sessionKnown(_ session: String) async throws -> Bool { boards[session] != nil }
}
