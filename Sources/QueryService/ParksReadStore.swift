import Events
import Forecasting
import Postgres
import Projections
import Synchronization

/// The read-side SQL over the parks projection tables (`ParksReading` on PostgreSQL).
///
/// Table names always come from the projections' declarations under a placement (a blue/green rebuild switches it); everything from the
/// request travels as a statement parameter.
final class ParksReadStore: ParksReading {
    let pool: PGPool
    let placement: any TableNaming
    /// Whether the database has TimescaleDB, found on first use (nil until then).
    private let timescale: Mutex<Bool?>

    /// `timescale` forces the bucketing SQL (tests run the plain-PostgreSQL form on a TimescaleDB server).
    init(pool: PGPool, placement: any TableNaming = TablePlacement.live, timescale: Bool? = nil) {
        self.pool = pool
        self.placement = placement
        self.timescale = Mutex(timescale)
    }

    /// Origin of the plain-PostgreSQL buckets, a constant (not request input).
    private static let origin = BucketInterval.originSeconds

    // MARK: - Waits

    func parks(_ page: IDPage) async throws -> [ParkLine] {
        let r = try await pool.query(
            """
            SELECT park_id COLLATE "C", max(time_zone), count(*), count(*) FILTER (WHERE status = '\(AttractionStatus.operating.rawValue)'),
                   round(avg(wait_minutes) FILTER (WHERE status = '\(AttractionStatus.operating.rawValue)'), 1)::float8,
                   max(observed_at)
            FROM \(placement[WaitTimesTables.attractionCurrent])
            WHERE park_id COLLATE "C" > coalesce($1::text, '') GROUP BY park_id COLLATE "C" ORDER BY park_id COLLATE "C" LIMIT $2
            """, [.text(page.after), .int(Int64(page.limit + 1))])
        return try (0..<r.rowCount).map { i throws(PGError) in
            ParkLine(
                parkID: r.string(i, 0) ?? "", timeZone: r.string(i, 1), attractions: try r.int(i, 2) ?? 0,
                operating: try r.int(i, 3) ?? 0, meanWaitMinutes: try r.double(i, 4),
                observedAt: try r.timestamp(i, 5).map(Timestamp.init(microseconds:)))
        }
    }

    /// Every attraction of the park, by id in byte order (stable whatever the database's collation).
    func currentWaits(park: String) async throws -> [AttractionWait] {
        let r = try await pool.query(
            """
            SELECT c.attraction_id, c.attraction_name, c.status, c.wait_minutes, c.observed_at, c.status_changed_at,
                   f.predicted_minutes, f.target_time, f.source, f.model_version
              FROM \(placement[WaitTimesTables.attractionCurrent]) c
              LEFT JOIN LATERAL (
                  -- The newest 60-minute forecast, if made within the hour before the current reading.
                  SELECT predicted_minutes, target_time, source, model_version FROM \(placement[WaitPredictionTables.predictions]) p
                   WHERE p.park_id = c.park_id AND p.attraction_id = c.attraction_id AND p.horizon_minutes = 60
                     AND p.made_at >= c.observed_at - interval '1 hour'
                   ORDER BY p.made_at DESC LIMIT 1) f ON true
             WHERE c.park_id = $1 ORDER BY c.attraction_id COLLATE "C"
            """, [.text(park)])
        return try (0..<r.rowCount).map { i throws(PGError) in
            var forecast: AttractionWait.Forecast?
            if let minutes = try r.double(i, 6), let target = try r.timestamp(i, 7) {
                forecast = .init(predictedMinutes: minutes, targetTime: Timestamp(microseconds: target), source: r.string(i, 8) ?? "",
                                 modelVersion: try r.int(i, 9))
            }
            return AttractionWait(
                attractionID: r.string(i, 0) ?? "", name: r.string(i, 1), status: r.string(i, 2),
                waitMinutes: try r.int(i, 3), observedAt: try r.timestamp(i, 4).map(Timestamp.init(microseconds:)),
                statusChangedAt: try r.timestamp(i, 5).map(Timestamp.init(microseconds:)), forecast60: forecast)
        }
    }

    func presence(park: String, attraction: String) async throws -> AttractionPresence {
        // NULL: no attraction of the park at all; false: the park exists without this attraction.
        let r = try await pool.query(
            "SELECT bool_or(attraction_id = $2) FROM \(placement[WaitTimesTables.attractionCurrent]) WHERE park_id = $1",
            [.text(park), .text(attraction)])
        switch try r.bool(0, 0) {
        case nil: return .unknownPark
        case false?: return .unknownAttraction
        case true?: return .known
        }
    }

    /// A park is known once it has an attraction or a crowd level.
    func parkExists(_ park: String) async throws -> Bool {
        let r = try await pool.query(
            """
            SELECT EXISTS (SELECT 1 FROM \(placement[WaitTimesTables.attractionCurrent]) WHERE park_id = $1)
                OR EXISTS (SELECT 1 FROM \(placement[CrowdTables.parkCrowdCurrent]) WHERE park_id = $1)
            """, [.text(park)])
        return try r.bool(0, 0) ?? false
    }

    /// Wait statistics per bucket over `[range.from, range.to)`; buckets without observations are absent.
    func waitHistory(park: String, attraction: String, range: TimeRange, interval: BucketInterval) async throws
        -> [WaitBucket]
    {
        let bucket =
            try await hasTimescale()
            ? "time_bucket($1::interval, time)"
            : """
            to_timestamp(floor((extract(epoch FROM time) - \(Self.origin)) / extract(epoch FROM $1::interval))
                * extract(epoch FROM $1::interval) + \(Self.origin))
            """
        // Only an operating attraction's wait means anything (as for baselines); other statuses still count
        // as observations.
        let r = try await pool.query(
            """
            SELECT \(bucket) AS bucket,
                   (avg(wait_minutes) FILTER (WHERE status = $6))::float8,
                   min(wait_minutes) FILTER (WHERE status = $6),
                   max(wait_minutes) FILTER (WHERE status = $6),
                   count(*),
                   count(*) FILTER (WHERE status = $6)
            FROM \(placement[WaitTimesTables.waitTimes])
            WHERE park_id = $2 AND attraction_id = $3 AND time >= $4 AND time < $5
            GROUP BY 1 ORDER BY 1
            """,
            [
                .text(interval.sqlText), .text(park), .text(attraction), .timestamp(range.from.microseconds),
                .timestamp(range.to.microseconds), .text(AttractionStatus.operating.rawValue),
            ])
        return try (0..<r.rowCount).map { i throws(PGError) in
            WaitBucket(
                time: Timestamp(microseconds: try r.timestamp(i, 0) ?? 0), avgWaitMinutes: try r.double(i, 1),
                minWaitMinutes: try r.int(i, 2), maxWaitMinutes: try r.int(i, 3),
                observations: try r.int(i, 4) ?? 0, openObservations: try r.int(i, 5) ?? 0)
        }
    }

    /// Hour-of-week baselines of the park, or of one attraction when `attraction` is set.
    func baselines(park: String, attraction: String?) async throws -> [WaitBaseline] {
        let r = try await pool.query(
            """
            SELECT attraction_id, day_of_week, hour, samples, p50_minutes, p90_minutes
            FROM \(placement[WaitTimesTables.attractionBaselines])
            WHERE park_id = $1 AND ($2::text IS NULL OR attraction_id = $2::text)
            ORDER BY attraction_id COLLATE "C", day_of_week, hour
            """, [.text(park), .text(attraction)])
        return try (0..<r.rowCount).map { i throws(PGError) in
            WaitBaseline(
                attractionID: r.string(i, 0) ?? "", dayOfWeek: try r.int(i, 1) ?? 0, hour: try r.int(i, 2) ?? 0,
                samples: try r.int(i, 3) ?? 0, p50Minutes: try r.int(i, 4), p90Minutes: try r.int(i, 5))
        }
    }

    // MARK: - Crowd

    func crowdNow(park: String) async throws -> ParkCrowd? {
        let r = try await pool.query(
            "SELECT level, ratio, level_since, updated_at FROM \(placement[CrowdTables.parkCrowdCurrent]) WHERE park_id = $1",
            [.text(park)])
        guard r.rowCount > 0 else { return nil }
        return ParkCrowd(
            parkID: park, level: r.string(0, 0), ratio: try r.double(0, 1),
            levelSince: try r.timestamp(0, 2).map(Timestamp.init(microseconds:)), updatedAt: try r.timestamp(0, 3).map(Timestamp.init(microseconds:)))
    }

    /// Crowd samples in `[range.from, range.to)` by time, at most `limit`.
    func crowdHistory(park: String, range: TimeRange, limit: Int) async throws -> [CrowdSample] {
        let r = try await pool.query(
            """
            SELECT time, level, ratio, mean_wait_minutes, baseline_mean_minutes, open_attractions
            FROM \(placement[CrowdTables.crowdLevels])
            WHERE park_id = $1 AND time >= $2 AND time < $3
            ORDER BY time LIMIT $4
            """,
            [.text(park), .timestamp(range.from.microseconds), .timestamp(range.to.microseconds), .int(limit)])
        return try (0..<r.rowCount).map { i throws(PGError) in
            CrowdSample(
                time: Timestamp(microseconds: try r.timestamp(i, 0) ?? 0), level: r.string(i, 1) ?? "",
                ratio: try r.double(i, 2) ?? 0, meanWaitMinutes: try r.double(i, 3) ?? 0,
                baselineMeanMinutes: try r.double(i, 4) ?? 0, openAttractions: try r.int(i, 5) ?? 0)
        }
    }

    // MARK: - TimescaleDB

    /// `time_bucket` exists only with TimescaleDB: ask once, and again only if asking failed.
    private func hasTimescale() async throws -> Bool {
        if let known = timescale.withLock({ $0 }) { return known }
        let r = try await pool.query("SELECT 1 FROM pg_extension WHERE extname = 'timescaledb'")
        let found = r.rowCount > 0
        timescale.withLock { $0 = found }
        return found
    }
}
