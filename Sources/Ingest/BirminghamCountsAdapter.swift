import Events
import Foundation

/// Reads the UCI "Parking Birmingham" counts: CSV rows `SystemCodeNumber,Capacity,Occupancy,LastUpdated`,
/// one `OccupancyCounted` per row for the car park `SystemCodeNumber`.
///
/// Quirks handled: no header (a header line, as in UCI's original file, is passed over); exact duplicate rows
/// (one event, the repeats reported as skipped); a stray TAB after some rows (trimmed by the CSV reader);
/// `LastUpdated` is local wall-clock time without a zone (`2016-10-04 07:59:42`), converted from the given
/// IANA zone so that readings either side of a DST change stay in order. A negative count is a feed error
/// and is skipped; a count above capacity is kept (the fold clamps, and the excess is real data).
public struct BirminghamCountsAdapter: Sendable {
    public static let format = "birmingham-counts"
    public var timeZone: String

    public init(timeZone: String = "Europe/London") { self.timeZone = timeZone }

    public func read(_ bytes: [UInt8], ingestTime: Timestamp) throws(FeedFormatError) -> FeedBatch {
        guard let zone = TimeZone(identifier: timeZone) else {
            throw FeedFormatError(format: Self.format, reason: "unknown time zone '\(timeZone)'")
        }
        let rows: [CSVReader.Row]
        do {
            rows = try CSVReader().rows(bytes)
        } catch {
            throw FeedFormatError(format: Self.format, reason: error.description)
        }
        var batch = FeedBatch()
        var firstByID: [String: (line: Int, index: Int)] = [:]
        for (n, row) in rows.enumerated() {
            if n == 0, row.fields.first == "SystemCodeNumber" { continue }
            guard row.fields.count == 4 else {
                batch.skipped.append("line \(row.line): \(row.fields.count) fields, expected SystemCodeNumber,Capacity,Occupancy,LastUpdated")
                continue
            }
            let (carPark, capacityText, occupancyText, updated) = (row.fields[0], row.fields[1], row.fields[2], row.fields[3])
            guard !carPark.isEmpty else {
                batch.skipped.append("line \(row.line): no SystemCodeNumber")
                continue
            }
            guard let capacity = Int(capacityText), capacity >= 0 else {
                batch.skipped.append("line \(row.line): \(carPark): Capacity '\(capacityText)' is not a count")
                continue
            }
            guard let occupied = Int(occupancyText), occupied >= 0 else {
                batch.skipped.append("line \(row.line): \(carPark): Occupancy '\(occupancyText)' is not a count")
                continue
            }
            guard let time = Self.instant(localTime: updated, in: zone) else {
                batch.skipped.append("line \(row.line): \(carPark): LastUpdated '\(updated)' is not a date-time")
                continue
            }
            let event = EventEnvelope(
                OccupancyCounted(facilityID: carPark, occupied: occupied, capacity: capacity),
                id: EventID.derived(Self.format, carPark, String(time.microseconds)), source: Self.format, eventTime: time,
                ingestTime: ingestTime)
            batch.append(event, line: row.line, firstByID: &firstByID)
        }
        return batch
    }

    /// The instant a zone-less local time (`2016-10-04 07:59:42`) names in `zone`; a time written with an
    /// offset is taken as written. In the hour repeated when clocks go back the earlier instant is chosen; a
    /// time in the hour skipped when they go forward is read with the offset before the change (as Python's
    /// `fold=0` does).
    public static func instant(localTime text: String, in zone: TimeZone) -> Timestamp? {
        guard let wall = Timestamp(iso8601: text) else { return nil }
        if text.dropFirst(10).contains(where: { "Zz+-".contains($0) }) { return wall }
        func offset(at t: Timestamp) -> Int64 {
            Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(t.seconds))))
        }
        // Offset changes are months apart: the offsets half a day either side are the only candidates.
        let before = offset(at: wall.adding(seconds: -43_200)), after = offset(at: wall.adding(seconds: 43_200))
        let candidates = [wall.adding(seconds: -before), wall.adding(seconds: -after)]
            .filter { offset(at: $0) == wall.seconds - $0.seconds }
        return candidates.min() ?? wall.adding(seconds: -before)
    }
}
