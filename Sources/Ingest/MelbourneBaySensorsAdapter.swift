import Events

/// Reads the City of Melbourne on-street parking bay sensors export (CSV with a header:
/// `Lastupdated,Status_Timestamp,Zone_Number,Status_Description,KerbsideID,Location`): one `SpotReading` per bay.
///
/// Quirks handled: a UTF-8 BOM before the header; `Location` is a quoted `"lat, lon"` (not used); states are
/// `Present` / `Unoccupied` (anything else is skipped with the reason); `Zone_Number` is blank for some bays
/// (zone ""); times carry +10:00 / +11:00 offsets. `Lastupdated` is when the feed was exported, and many
/// sensors' `Status_Timestamp` is days or years older: the event time is the sensor's own time, so a stale
/// reading never passes for a fresh one. The same bay at the same sensor time is one reading (one event id),
/// however many exports repeat it.
public struct MelbourneBaySensorsAdapter: Sendable {
    public static let format = "melbourne-bays"
    /// The export does not name a facility: the whole city's street bays are one unless the caller says.
    public var facilityID: String

    public init(facilityID: String = "melbourne") { self.facilityID = facilityID }

    public func read(_ bytes: [UInt8], ingestTime: Timestamp) throws(FeedFormatError) -> FeedBatch {
        let rows: [CSVReader.Row]
        do {
            rows = try CSVReader().rows(bytes)
        } catch {
            throw FeedFormatError(format: Self.format, reason: error.description)
        }
        guard let header = rows.first else { throw FeedFormatError(format: Self.format, reason: "empty payload") }
        let columns = CSVReader.columns(header)
        let required = ["Status_Timestamp", "Status_Description", "KerbsideID"]
        let missing = required.filter { columns[$0] == nil }
        guard missing.isEmpty else {
            throw FeedFormatError(
                format: Self.format, reason: "header lacks \(missing.joined(separator: ", ")): not a bay sensors export")
        }
        var batch = FeedBatch()
        var firstByID: [String: (line: Int, index: Int)] = [:]
        for row in rows.dropFirst() {
            guard let spot = row[columns["KerbsideID"]], !spot.isEmpty else {
                batch.skipped.append("line \(row.line): no KerbsideID")
                continue
            }
            guard let sensorTime = row[columns["Status_Timestamp"]], let time = Timestamp(iso8601: sensorTime) else {
                // The export time is no substitute: it would make an old state look current.
                batch.skipped.append("line \(row.line): bay \(spot): missing or invalid Status_Timestamp '\(row[columns["Status_Timestamp"]] ?? "")'")
                continue
            }
            let status = row[columns["Status_Description"]] ?? ""
            let occupied: Bool
            switch status.lowercased() {
            case "present": occupied = true
            case "unoccupied": occupied = false
            default:
                batch.skipped.append("line \(row.line): bay \(spot): unknown Status_Description '\(status)'")
                continue
            }
            let reading = SpotReading(facilityID: facilityID, zone: row[columns["Zone_Number"]] ?? "", spotID: spot, occupied: occupied)
            let event = EventEnvelope(
                reading, id: EventID.derived(Self.format, facilityID, spot, String(time.microseconds)), source: Self.format,
                eventTime: time, ingestTime: ingestTime)
            batch.append(event, line: row.line, firstByID: &firstByID)
        }
        return batch
    }
}
