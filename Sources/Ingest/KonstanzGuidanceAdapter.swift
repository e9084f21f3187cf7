import Events

/// Reads the Konstanz parking guidance feed (ArcGIS features flattened to CSV: `attributes.*`, `geometry.*`,
/// `time`): one `OccupancyCounted` per row with live data, and one `FacilityLayout` per car park and payload.
///
/// Quirks handled: `attributes.real_fcap` counts FREE spaces, so occupied = capacity − free (never below 0,
/// as free can exceed a reduced capacity); capacity is `attributes.real_capa`, else `attributes.max_cap`;
/// blanks are written as a single space, and a missing count as `NA`; names and addresses are quoted, hold
/// commas and non-ASCII letters. The event time is when the guidance system last updated the car park
/// (`attributes.updated`, epoch ms), which lags the poll time `time` (ISO, UTC) that is the fallback. A row
/// without live data (`has_live` not `ja`, or no `real_fcap`) is skipped with the reason. Columns are found
/// by name, with or without the `attributes.` prefix.
public struct KonstanzGuidanceAdapter: Sendable {
    public static let format = "konstanz-guidance"
    public static let facilityPrefix = "konstanz-"
    public static let timeZone = "Europe/Berlin"

    public init() {}

    public func read(_ bytes: [UInt8], ingestTime: Timestamp) throws(FeedFormatError) -> FeedBatch {
        let rows: [CSVReader.Row]
        do {
            rows = try CSVReader().rows(bytes)
        } catch {
            throw FeedFormatError(format: Self.format, reason: error.description)
        }
        guard let header = rows.first else { throw FeedFormatError(format: Self.format, reason: "empty payload") }
        let named = CSVReader.columns(header)
        func column(_ name: String) -> Int? { named["attributes." + name] ?? named[name] }
        let id = column("id"), name = column("name"), maxCapacity = column("max_cap"), hasLive = column("has_live")
        let updated = column("updated"), realCapacity = column("real_capa"), free = column("real_fcap"), polled = column("time")
        guard id != nil, free != nil, updated != nil || polled != nil else {
            throw FeedFormatError(
                format: Self.format, reason: "header lacks attributes.id, attributes.real_fcap or a time: not a guidance feed export")
        }
        var batch = FeedBatch()
        var firstByID: [String: (line: Int, index: Int)] = [:]
        var laidOut = Set<String>()
        for row in rows.dropFirst() {
            guard let carPark = row[id], !carPark.isEmpty else {
                batch.skipped.append("line \(row.line): no attributes.id")
                continue
            }
            let facility = Self.facilityPrefix + carPark
            let capacity = row[realCapacity].flatMap { Int($0) } ?? row[maxCapacity].flatMap { Int($0) }
            let updatedTime = row[updated].flatMap { Int64($0) }.map { Timestamp(milliseconds: $0) }
            guard let time = updatedTime ?? row[polled].flatMap({ Timestamp(iso8601: $0) }) else {
                batch.skipped.append("line \(row.line): \(facility): neither attributes.updated nor time is a time")
                continue
            }
            // The layout comes from the car park's first row, live data or not: its capacity is known either way.
            // Emitted before that row's count, so the fold knows the car park before its first reading.
            let layoutCapacity = row[maxCapacity].flatMap { Int($0) } ?? capacity
            if let layoutCapacity, !laidOut.contains(facility) {
                laidOut.insert(facility)
                let layout = FacilityLayout(
                    facilityID: facility, name: row[name].flatMap { $0.isEmpty ? nil : $0 }, timeZone: Self.timeZone,
                    areas: [FacilityLayout.Area(capacity: layoutCapacity)])
                batch.events.append(
                    EventEnvelope(
                        layout, id: EventID.derived(Self.format, facility, "layout", String(time.microseconds)), source: Self.format,
                        eventTime: time, ingestTime: ingestTime))
            }
            guard hasLive == nil || row[hasLive] == "ja" else {
                batch.skipped.append("line \(row.line): \(facility): no live data (has_live '\(row[hasLive] ?? "")')")
                continue
            }
            guard let freeText = row[free], let freeSpaces = Int(freeText), freeSpaces >= 0 else {
                batch.skipped.append("line \(row.line): \(facility): no live data (real_fcap '\(row[free] ?? "")')")
                continue
            }
            guard let capacity else {
                batch.skipped.append("line \(row.line): \(facility): neither real_capa nor max_cap is a capacity")
                continue
            }
            let count = OccupancyCounted(facilityID: facility, occupied: max(capacity - freeSpaces, 0), capacity: capacity)
            let event = EventEnvelope(
                count, id: EventID.derived(Self.format, facility, String(time.microseconds)), source: Self.format, eventTime: time,
                ingestTime: ingestTime)
            batch.append(event, line: row.line, firstByID: &firstByID)
        }
        return batch
    }
}
