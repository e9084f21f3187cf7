import Postgres
import Processor
import Projections
import Testing

/// Rows are checked against their table's declaration before anything is sent: a wrong count of fields, a
/// value in the wrong binary form, or a NULL in a NOT NULL column is the encoder's bug, not the data's.
@Suite struct TableWriterTests {
    static let table = CrowdTables.parkSchedules  // park_id text, date date, opens_at, closes_at timestamptz, time_zone text?

    static func row(_ w: inout PGBinaryCopyWriter, date: (inout PGBinaryCopyWriter) -> Void, zone: String?) {
        w.beginRow()
        w.text("p")
        date(&w)
        w.timestamptz(microsecondsSinceUnixEpoch: 0)
        w.timestamptz(microsecondsSinceUnixEpoch: 3_600_000_000)
        if let zone { w.text(zone) } else { w.null() }
    }

    @Test func rowsAsDeclaredPass() throws {
        var w = Self.table.rows(reservingCapacity: 256)
        Self.row(&w, date: { $0.date(daysSinceUnixEpoch: 19_000) }, zone: nil)  // time_zone may be NULL
        Self.row(&w, date: { $0.date(daysSinceUnixEpoch: 19_001) }, zone: "Europe/Paris")
        #expect(w.firstRowKinds == [.text, .date, .timestamptz, .timestamptz, .null])
        try TableWriter.checkKinds(of: w, against: Self.table)
    }

    @Test func aValueInTheWrongFormIsRefused() {
        var w = Self.table.rows(reservingCapacity: 256)
        Self.row(&w, date: { $0.int32(19_000) }, zone: "UTC")  // an int32 where a date is declared
        let error = #expect(throws: PGError.self) { try TableWriter.checkKinds(of: w, against: Self.table) }
        #expect(error?.kind == .misuse && error?.message.contains("park_schedules.date is declared date") == true)
        #expect(error?.isDataError == false)
    }

    @Test func aNullInANotNullColumnIsRefused() {
        var w = Self.table.rows(reservingCapacity: 256)
        w.beginRow()
        w.null()
        w.date(daysSinceUnixEpoch: 1)
        w.timestamptz(microsecondsSinceUnixEpoch: 0)
        w.timestamptz(microsecondsSinceUnixEpoch: 0)
        w.null()
        let error = #expect(throws: PGError.self) { try TableWriter.checkKinds(of: w, against: Self.table) }
        #expect(error?.message.contains("park_schedules.park_id is NOT NULL") == true)
    }

    @Test func theFirstRowIsRecordedOnlyUntilTheWriterIsEmptied() {
        var w = Self.table.rows(reservingCapacity: 256)
        Self.row(&w, date: { $0.date(daysSinceUnixEpoch: 1) }, zone: "UTC")
        w.removeAllRows()
        #expect(w.firstRowKinds.isEmpty)
        Self.row(&w, date: { $0.int32(1) }, zone: "UTC")
        #expect(w.firstRowKinds[1] == .int32)
    }
}
