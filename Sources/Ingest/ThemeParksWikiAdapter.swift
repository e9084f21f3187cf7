import Events

/// Reads ThemeParks.wiki's `/v1/entity/{id}/live` (one park), or a list of snapshots `[{timestamp, parks:[live…]}]`.
///
/// Quirks handled: only ATTRACTION entities are rides (SHOW, RESTAURANT, PARK are skipped); `queue` may be
/// missing or hold several queue types — the posted wait is `queue.STANDBY.waitTime`, which may be null;
/// `lastUpdated` can be months old for closed rides (it is still the event time).
public struct ThemeParksWikiAdapter: Sendable {
    public static let format = "themeparks-wiki"

    public init() {}

    public func read(_ json: JSONValue, ingestTime: Timestamp) throws(FeedFormatError) -> FeedBatch {
        var batch = FeedBatch()
        if let snapshots = json.arrayValue {
            for snapshot in snapshots {
                for park in snapshot["parks"]?.arrayValue ?? [] { try readPark(park, ingestTime: ingestTime, into: &batch) }
            }
        } else if let parks = json["parks"]?.arrayValue {
            for park in parks { try readPark(park, ingestTime: ingestTime, into: &batch) }
        } else {
            try readPark(json, ingestTime: ingestTime, into: &batch)
        }
        return batch
    }

    private func readPark(_ park: JSONValue, ingestTime: Timestamp, into batch: inout FeedBatch) throws(FeedFormatError) {
        guard let items = park["liveData"]?.arrayValue else {
            throw FeedFormatError(format: Self.format, reason: "no 'liveData' array: not an /entity/{id}/live payload")
        }
        let parkID = park["id"]?.stringValue
        let timeZone = park["timezone"]?.stringValue
        for item in items {
            let id = item["id"]?.stringValue ?? "?"
            guard item["entityType"]?.stringValue == "ATTRACTION" else { continue }
            guard let itemPark = item["parkId"]?.stringValue ?? parkID, !itemPark.contains("/") else {
                batch.skipped.append("\(id): no park id")
                continue
            }
            guard let rawStatus = item["status"]?.stringValue, let status = AttractionStatus(rawValue: rawStatus) else {
                batch.skipped.append("\(id): unknown status \(item["status"]?.jsonString ?? "missing")")
                continue
            }
            guard let updated = item["lastUpdated"]?.stringValue, let time = Timestamp(iso8601: updated) else {
                batch.skipped.append("\(id): missing or invalid lastUpdated")
                continue
            }
            let standby = item["queue"]?["STANDBY"]?["waitTime"]?.int64Value
            let wait = status.isOpen ? standby.map { Int(min(max($0, 0), WaitTimeObserved.maxWaitMinutes)) } : nil
            let observation = WaitTimeObserved(
                parkID: itemPark, attractionID: id, attractionName: item["name"]?.stringValue, waitMinutes: wait,
                status: status, timeZone: timeZone)
            batch.events.append(
                EventEnvelope(
                    observation, id: EventID.derived(Self.format, itemPark, id, updated, String(wait ?? -1), rawStatus),
                    source: Self.format, eventTime: time, ingestTime: ingestTime))
        }
    }
}
