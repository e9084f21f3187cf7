/// What the parks read routes (`WaitTimesRoutes`, `CrowdRoutes`) need from storage, as typed models: the
/// PostgreSQL store in production (`ParksReadStore`), an in-memory one in route tests.
protocol ParksReading: Sendable {
    /// Parks by id (byte order) after the page's cursor, at most one more than its limit.
    func parks(_ page: IDPage) async throws -> [ParkLine]
    /// Every attraction of the park, by id in byte order.
    func currentWaits(park: String) async throws -> [AttractionWait]
    func presence(park: String, attraction: String) async throws -> AttractionPresence
    /// A park is known once it has an attraction or a crowd level.
    func parkExists(_ park: String) async throws -> Bool
    /// Wait statistics per bucket over `[range.from, range.to)`; buckets without observations are absent.
    func waitHistory(park: String, attraction: String, range: TimeRange, interval: BucketInterval) async throws -> [WaitBucket]
    /// Hour-of-week baselines of the park (or of one attraction), by attraction, day and hour.
    func baselines(park: String, attraction: String?) async throws -> [WaitBaseline]
    func crowdNow(park: String) async throws -> ParkCrowd?
    /// Crowd samples in `[range.from, range.to)` by time, at most `limit`.
    func crowdHistory(park: String, range: TimeRange, limit: Int) async throws -> [CrowdSample]
}

/// What storage knows of a park and one of its attractions.
enum AttractionPresence: Sendable, Equatable {
    case unknownPark
    case unknownAttraction
    case known
}
