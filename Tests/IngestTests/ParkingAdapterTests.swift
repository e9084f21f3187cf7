import Events
import Foundation
import Ingest
import Testing

@Suite struct ParkingAdapterTests {
    let now = Timestamp(iso8601: "2026-01-01T00:00:00Z")!

    func time(_ text: String) -> Timestamp { Timestamp(iso8601: text)! }

    // MARK: CSV reader

    @Test func csvReaderHandlesQuotesLineEndingsBOMAndBlanks() throws {
        let text = "\u{FEFF}a,b,c\r\n"
            + "1,\"x, y\",\"say \"\"hi\"\"\"\n"
            + "\n"
            + "2, padded ,\"multi\r\nline\"\t\n"
            + "3,\" kept \",last\t"
        let rows = try CSVReader().rows(Array(text.utf8))
        #expect(rows == [
            CSVReader.Row(line: 1, fields: ["a", "b", "c"]),
            CSVReader.Row(line: 2, fields: ["1", "x, y", "say \"hi\""]),
            // The blank line 3 is no record; the quoted line break makes this record two lines long.
            CSVReader.Row(line: 4, fields: ["2", "padded", "multi\r\nline"]),
            CSVReader.Row(line: 6, fields: ["3", " kept ", "last"]),
        ])
    }

    @Test func csvReaderEdgeCases() throws {
        func read(_ s: String) throws -> [[String]] { try CSVReader().rows(Array(s.utf8)).map(\.fields) }
        // Empty fields, a single-space blank (Konstanz), a trailing comma at the very end.
        #expect(try read("a, ,b\n,\nx,") == [["a", "", "b"], ["", ""], ["x", ""]])
        // A lone CR ends a record too; a quoted empty field alone on a line is a record.
        #expect(try read("x\ry\n\"\"\n") == [["x"], ["y"], [""]])
        // Text after a closing quote is kept, blanks after it are not.
        #expect(try read("\"ab\"cd,\"e\" \t\n") == [["abcd", "e"]])
        // Non-ASCII text survives.
        #expect(try read("Parkhaus Marktstätte,\"Eggerhaldestraße, 78464 Konstanz\"") == [["Parkhaus Marktstätte", "Eggerhaldestraße, 78464 Konstanz"]])
        #expect(try read("") == [])
        do {
            _ = try CSVReader().rows(Array("a,b\nc,\"never closed\nd\n".utf8))
            Issue.record("an unterminated quote was accepted")
        } catch {
            #expect(error.line == 2)
        }
        let header = try CSVReader().rows(Array("x,y,x".utf8))[0]
        #expect(CSVReader.columns(header) == ["x": 0, "y": 1])
        #expect(header[2] == "x" && header[3] == nil && header[nil] == nil)
    }

    // MARK: Melbourne

    // Written for these tests with the real export's quirks: BOM, quoted "lat, lon", CRLF, a stale sensor time
    // (two years before the export), an exact duplicate row, a blank zone, an unknown state, no sensor time.
    static let melbourne = "\u{FEFF}Lastupdated,Status_Timestamp,Zone_Number,Status_Description,KerbsideID,Location\r\n"
        + "2025-03-25T11:44:37+11:00,2025-03-25T11:09:20+11:00,7303,Unoccupied,51614,\"-37.81620493158199, 144.96978894261684\"\r\n"
        + "2025-03-25T11:44:37+11:00,2023-01-16T04:01:33+11:00,7265,Present,17954,\"-37.81019990197624, 144.97294577505386\"\r\n"
        + "2025-03-25T11:44:37+11:00,2023-01-16T04:01:33+11:00,7265,Present,17954,\"-37.81019990197624, 144.97294577505386\"\r\n"
        + "2025-06-10T09:44:34+10:00,2025-06-10T09:30:00+10:00,,Present,51613,\"-37.8, 144.9\"\r\n"
        + "2025-03-25T11:44:37+11:00,2025-03-25T10:16:22+11:00,7303,Unknown,51615,\"-37.8, 144.9\"\r\n"
        + "2025-03-25T11:44:37+11:00,,7303,Present,51616,\"-37.8, 144.9\"\r\n"

    @Test func melbourneReadsBaysAtTheSensorsTime() throws {
        let batch = try MelbourneBaySensorsAdapter().read(Array(Self.melbourne.utf8), ingestTime: now)
        let readings = try batch.events.map { try $0.decode(SpotReading.self) }
        #expect(readings == [
            SpotReading(facilityID: "melbourne", zone: "7303", spotID: "51614", occupied: false),
            SpotReading(facilityID: "melbourne", zone: "7265", spotID: "17954", occupied: true),
            SpotReading(facilityID: "melbourne", zone: "", spotID: "51613", occupied: true),
        ])
        // Status_Timestamp, not Lastupdated: the stale reading keeps its 2023 time.
        #expect(batch.events.map(\.eventTime) == [
            time("2025-03-25T00:09:20Z"), time("2023-01-15T17:01:33Z"), time("2025-06-09T23:30:00Z"),
        ])
        #expect(batch.events.allSatisfy { $0.key == "melbourne" && $0.source == "melbourne-bays" && $0.ingestTime == now })
        #expect(batch.skipped.count == 3)
        #expect(batch.skipped[0] == "line 4: duplicate of line 3")
        #expect(batch.skipped[1].hasPrefix("line 6:") && batch.skipped[1].contains("'Unknown'"))
        #expect(batch.skipped[2].hasPrefix("line 7:") && batch.skipped[2].contains("Status_Timestamp"))
    }

    @Test func melbourneReExportKeepsIDsAndFacilityIsAnOption() throws {
        let first = try MelbourneBaySensorsAdapter().read(Array(Self.melbourne.utf8), ingestTime: now)
        // A later export repeats bay 17954's unchanged reading under a newer Lastupdated: the same event.
        let later = "Lastupdated,Status_Timestamp,Zone_Number,Status_Description,KerbsideID,Location\n"
            + "2025-03-26T08:00:00+11:00,2023-01-16T04:01:33+11:00,7265,Present,17954,\"-37.81, 144.97\"\n"
        let again = try MelbourneBaySensorsAdapter().read(Array(later.utf8), ingestTime: now.adding(seconds: 60))
        #expect(again.events.map(\.id) == [first.events[1].id])

        let cbd = try MelbourneBaySensorsAdapter(facilityID: "melbourne-cbd").read(Array(later.utf8), ingestTime: now)
        #expect(cbd.events[0].key == "melbourne-cbd")
        #expect(cbd.events[0].id != again.events[0].id)
        #expect(throws: FeedFormatError.self) {
            try MelbourneBaySensorsAdapter().read(Array("BHMBCCMKT01,577,61,2016-10-04 07:59:42\n".utf8), ingestTime: now)
        }
    }

    // MARK: Birmingham

    // No header; a duplicate row; a stray TAB (and CRLF) on line 3; a count after the October DST change; a
    // negative count; a count above capacity; a local time the clocks pass twice and one they skip; junk.
    static let birmingham = "BHMBCCMKT01,577,61,2016-10-04 07:59:42\n"
        + "BHMBCCMKT01,577,61,2016-10-04 07:59:42\n"
        + "BHMBCCMKT01,577,263,2016-10-04 13:29:45\t\r\n"
        + "BHMBCCMKT01,577,43,2016-10-30 07:59:55\n"
        + "BHMBCCMKT01,577,-3,2016-10-30 08:25:53\n"
        + "BHMBCCMKT01,577,600,2016-12-19 16:30:35\n"
        + "Other,100,5,2016-10-30 01:30:00\n"
        + "Other,100,6,2016-03-27 01:30:00\n"
        + "BHMBCCMKT01,577,x,2016-10-04 08:00:00\n"
        + "BHMBCCMKT01,577,5\n"
        + "BHMBCCMKT01,577,50,2016-10-04 07:59:42\n"

    @Test func birminghamCountsInLondonTime() throws {
        let batch = try BirminghamCountsAdapter().read(Array(Self.birmingham.utf8), ingestTime: now)
        let counts = try batch.events.map { try $0.decode(OccupancyCounted.self) }
        #expect(counts == [
            OccupancyCounted(facilityID: "BHMBCCMKT01", occupied: 61, capacity: 577),
            OccupancyCounted(facilityID: "BHMBCCMKT01", occupied: 263, capacity: 577),
            OccupancyCounted(facilityID: "BHMBCCMKT01", occupied: 43, capacity: 577),
            // Above capacity is kept: the fold clamps.
            OccupancyCounted(facilityID: "BHMBCCMKT01", occupied: 600, capacity: 577),
            OccupancyCounted(facilityID: "Other", occupied: 5, capacity: 100),
            OccupancyCounted(facilityID: "Other", occupied: 6, capacity: 100),
        ])
        #expect(batch.events.map(\.eventTime) == [
            time("2016-10-04T06:59:42Z"),  // BST, UTC+1
            time("2016-10-04T12:29:45Z"),
            time("2016-10-30T07:59:55Z"),  // GMT from 01:00 UTC that day
            time("2016-12-19T16:30:35Z"),
            time("2016-10-30T00:30:00Z"),  // 01:30 happened twice: the first (BST) one
            time("2016-03-27T01:30:00Z"),  // 01:30 never happened: read as GMT
        ])
        #expect(batch.events.allSatisfy { $0.source == "birmingham-counts" })
        #expect(batch.events[0].key == "BHMBCCMKT01" && batch.events[4].key == "Other")
        #expect(batch.skipped.count == 5)
        #expect(batch.skipped[0] == "line 2: duplicate of line 1")
        #expect(batch.skipped[1].hasPrefix("line 5:") && batch.skipped[1].contains("'-3'"))
        #expect(batch.skipped[2].hasPrefix("line 9:") && batch.skipped[2].contains("'x'"))
        #expect(batch.skipped[3].hasPrefix("line 10: 3 fields"))
        #expect(batch.skipped[4] == "line 11: same reading as line 1 with other values; line 1 kept")
    }

    @Test func birminghamTimeZoneOptionAndHeader() throws {
        let rows = "SystemCodeNumber,Capacity,Occupancy,LastUpdated\nBHMBCCMKT01,577,61,2016-10-04 07:59:42\n"
        let berlin = try BirminghamCountsAdapter(timeZone: "Europe/Berlin").read(Array(rows.utf8), ingestTime: now)
        #expect(berlin.skipped.isEmpty)
        #expect(berlin.events.map(\.eventTime) == [time("2016-10-04T05:59:42Z")])
        #expect(throws: FeedFormatError.self) { try BirminghamCountsAdapter(timeZone: "Europe/Nowhere").read(Array(rows.utf8), ingestTime: now) }
    }

    @Test func localTimesAcrossLondonsClockChanges() throws {
        let london = try #require(TimeZone(identifier: "Europe/London"))
        func instant(_ s: String) -> Timestamp? { BirminghamCountsAdapter.instant(localTime: s, in: london) }
        #expect(instant("2016-10-30 00:59:59") == time("2016-10-29T23:59:59Z"))
        #expect(instant("2016-10-30 01:00:00") == time("2016-10-30T00:00:00Z"))
        #expect(instant("2016-10-30 01:59:59") == time("2016-10-30T00:59:59Z"))
        #expect(instant("2016-10-30 02:00:00") == time("2016-10-30T02:00:00Z"))
        #expect(instant("2016-03-27 00:59:59") == time("2016-03-27T00:59:59Z"))
        #expect(instant("2016-03-27 02:00:00") == time("2016-03-27T01:00:00Z"))
        #expect(instant("2016-07-01 12:00:00.25") == time("2016-07-01T11:00:00.25Z"))
        // An offset written in the text wins over the zone.
        #expect(instant("2016-10-04T07:59:42+02:00") == time("2016-10-04T05:59:42Z"))
        #expect(instant("2016-10-04T07:59:42Z") == time("2016-10-04T07:59:42Z"))
        #expect(instant("yesterday") == nil)
    }

    // MARK: Konstanz

    // Attribute columns as the real export names them; a quoted address with commas and ß; blanks as a single
    // space (no `updated`: the poll time is used; no `real_capa`: `max_cap` is); free above a reduced
    // capacity; `NA` free spaces; a car park without live data; a doubled quote in a name; a duplicate row.
    static let konstanz = "attributes.id,attributes.name,attributes.max_cap,attributes.address,attributes.has_live,"
        + "attributes.updated,attributes.real_capa,attributes.real_fcap,time\n"
        + "4,Parkhaus LAGO,930,\"Lago Shopping Center, Hafenstraße 31, 78462 Konstanz\",ja,1698948005000,930,664,2023-11-02T18:02:58Z\n"
        + "7,Parkplatz Döbele,335, ,ja, , ,100,2023-11-02T18:07:58Z\n"
        + "4,Parkhaus LAGO,930,\"Lago Shopping Center, Hafenstraße 31, 78462 Konstanz\",ja,1698948305000,900,950,2023-11-02T18:07:58Z\n"
        + "30,Parkplatz Uni Nord,350,\"Eggerhaldestraße, 78464 Konstanz\",ja,1698950106000,350,NA,2023-11-02T18:38:01Z\n"
        + "9,\"Parkplatz \"\"Am See\"\"\",120, ,nein,1698950106000,120, ,2023-11-02T18:38:01Z\n"
        + "4,Parkhaus LAGO,930,\"Lago Shopping Center, Hafenstraße 31, 78462 Konstanz\",ja,1698948305000,900,950,2023-11-02T18:07:58Z\n"

    @Test func konstanzTurnsFreeSpacesIntoCountsWithOneLayoutPerCarPark() throws {
        let batch = try KonstanzGuidanceAdapter().read(Array(Self.konstanz.utf8), ingestTime: now)
        #expect(batch.events.map(\.type) == [
            FacilityLayout.eventType, OccupancyCounted.eventType, FacilityLayout.eventType, OccupancyCounted.eventType,
            OccupancyCounted.eventType, FacilityLayout.eventType, FacilityLayout.eventType,
        ])
        let counts = try batch.events.filter { $0.type == OccupancyCounted.eventType }.map { try $0.decode(OccupancyCounted.self) }
        #expect(counts == [
            OccupancyCounted(facilityID: "konstanz-4", occupied: 266, capacity: 930),  // 930 − 664 free
            OccupancyCounted(facilityID: "konstanz-7", occupied: 235, capacity: 335),  // max_cap 335 − 100 free
            OccupancyCounted(facilityID: "konstanz-4", occupied: 0, capacity: 900),  // 950 free of 900: never below 0
        ])
        #expect(batch.events.map(\.eventTime) == [
            time("2023-11-02T18:00:05Z"), time("2023-11-02T18:00:05Z"),  // attributes.updated 1698948005000
            time("2023-11-02T18:07:58Z"), time("2023-11-02T18:07:58Z"),  // blank updated: the poll time
            time("2023-11-02T18:05:05Z"),
            time("2023-11-02T18:35:06Z"), time("2023-11-02T18:35:06Z"),
        ])
        let layouts = try batch.events.filter { $0.type == FacilityLayout.eventType }.map { try $0.decode(FacilityLayout.self) }
        #expect(layouts == [
            FacilityLayout(facilityID: "konstanz-4", name: "Parkhaus LAGO", timeZone: "Europe/Berlin", areas: [.init(capacity: 930)]),
            FacilityLayout(facilityID: "konstanz-7", name: "Parkplatz Döbele", timeZone: "Europe/Berlin", areas: [.init(capacity: 335)]),
            FacilityLayout(facilityID: "konstanz-30", name: "Parkplatz Uni Nord", timeZone: "Europe/Berlin", areas: [.init(capacity: 350)]),
            FacilityLayout(facilityID: "konstanz-9", name: "Parkplatz \"Am See\"", timeZone: "Europe/Berlin", areas: [.init(capacity: 120)]),
        ])
        #expect(batch.events.map(\.key) == ["konstanz-4", "konstanz-4", "konstanz-7", "konstanz-7", "konstanz-4", "konstanz-30", "konstanz-9"])
        #expect(batch.events.allSatisfy { $0.source == "konstanz-guidance" })
        #expect(batch.skipped.count == 3)
        #expect(batch.skipped[0].hasPrefix("line 5: konstanz-30: no live data") && batch.skipped[0].contains("'NA'"))
        #expect(batch.skipped[1].hasPrefix("line 6: konstanz-9: no live data") && batch.skipped[1].contains("'nein'"))
        #expect(batch.skipped[2] == "line 7: duplicate of line 4")
        // Re-reading gives the same ids, layouts included.
        #expect(try KonstanzGuidanceAdapter().read(Array(Self.konstanz.utf8), ingestTime: now.adding(seconds: 300)).events.map(\.id)
            == batch.events.map(\.id))
        #expect(Set(batch.events.map(\.id)).count == batch.events.count)
        #expect(throws: FeedFormatError.self) { try KonstanzGuidanceAdapter().read(Array(Self.melbourne.utf8), ingestTime: now) }
    }

    @Test func adaptedEventsPassTheRouter() throws {
        let router = RawEventRouter()
        let events = try MelbourneBaySensorsAdapter().read(Array(Self.melbourne.utf8), ingestTime: now).events
            + BirminghamCountsAdapter().read(Array(Self.birmingham.utf8), ingestTime: now).events
            + KonstanzGuidanceAdapter().read(Array(Self.konstanz.utf8), ingestTime: now).events
        for e in events { #expect(try router.route(e).topic == TopicNames.standard[.parkingSensors]) }
    }

    // MARK: Real files

    static func realFile(_ prefix: String) throws -> (path: String, bytes: [UInt8]) {
        let folder = RealFeeds.root + "/parking"
        let name = try #require(try FileManager.default.contentsOfDirectory(atPath: folder).sorted().first { $0.hasPrefix(prefix) })
        return (folder + "/" + name, try RealFeeds.bytes(folder + "/" + name))
    }

    /// The file's non-empty lines, read without the CSV reader so the counts below do not depend on it.
    static func lines(_ bytes: [UInt8]) -> [String] {
        String(decoding: bytes, as: UTF8.self).split(separator: "\n").map(String.init).filter { !$0.isEmpty }
    }

    @Test(.enabled(if: RealFeeds.available)) func readsTheRealMelbourneFile() throws {
        let file = try Self.realFile("melbourne_on_street_parking_bay_sensors")
        #expect(file.bytes.starts(with: [0xEF, 0xBB, 0xBF]))
        let batch = try MelbourneBaySensorsAdapter().read(file.bytes, ingestTime: now)
        // No quotes before the Location column: a plain split gives the first five fields.
        let rows = Self.lines(file.bytes).dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        #expect(rows.count == 500)
        #expect(batch.events.count == 500, "\(batch.skipped.prefix(3))")
        #expect(batch.skipped.isEmpty)
        let readings = try batch.events.map { try $0.decode(SpotReading.self) }
        #expect(readings.map(\.spotID) == rows.map { $0[4] })
        #expect(readings.map(\.zone) == rows.map { $0[2] })
        #expect(readings.map(\.occupied) == rows.map { $0[3] == "Present" })
        #expect(readings.filter(\.occupied).count == 272)
        #expect(readings.filter { $0.zone.isEmpty }.count == 42)
        // Event time is Status_Timestamp; most sensors' readings are over a day older than the export.
        #expect(batch.events.map(\.eventTime) == rows.compactMap { Timestamp(iso8601: $0[1]) })
        let stale = zip(batch.events, rows).filter { $0.eventTime < Timestamp(iso8601: $1[0])!.adding(seconds: -86_400) }
        #expect(stale.count == 358)
        #expect(Set(batch.events.map(\.id)).count == 500)
    }

    @Test(.enabled(if: RealFeeds.available)) func readsTheRealBirminghamFile() throws {
        let file = try Self.realFile("birmingham_uci_")
        let lines = Self.lines(file.bytes)
        #expect(lines.count == 1312)
        #expect(lines.contains { $0.hasSuffix("\t") })
        let distinct = Set(lines.map { $0.trimmingCharacters(in: .whitespaces) })
        #expect(distinct.count == 1307)
        let batch = try BirminghamCountsAdapter().read(file.bytes, ingestTime: now)
        #expect(batch.events.count == 1307)
        #expect(batch.skipped.count == 5)
        #expect(batch.skipped.allSatisfy { $0.contains(": duplicate of line ") }, "\(batch.skipped)")
        let counts = try batch.events.map { try $0.decode(OccupancyCounted.self) }
        #expect(counts.allSatisfy { $0.facilityID == "BHMBCCMKT01" && $0.capacity == 577 && $0.occupied >= 0 && $0.occupied <= 577 })
        // Local times: BST at the start, GMT at the end, and in order across the change on 30 October.
        #expect(batch.events.first?.eventTime == time("2016-10-04T06:59:42Z"))
        #expect(batch.events.last?.eventTime == time("2016-12-19T16:30:35Z"))
        #expect(zip(batch.events, batch.events.dropFirst()).allSatisfy { $0.eventTime < $1.eventTime })
        #expect(batch.events.contains { $0.eventTime == time("2016-10-30T07:59:55Z") })
    }

    @Test(.enabled(if: RealFeeds.available)) func readsTheRealKonstanzFile() throws {
        let file = try Self.realFile("konstanz_arcgis_parkleitsystem")
        #expect(Self.lines(file.bytes).count == 441)
        let batch = try KonstanzGuidanceAdapter().read(file.bytes, ingestTime: now)
        let counts = batch.events.filter { $0.type == OccupancyCounted.eventType }
        let layouts = try batch.events.filter { $0.type == FacilityLayout.eventType }.map { try $0.decode(FacilityLayout.self) }
        #expect(counts.count == 437)
        #expect(layouts.count == 11)
        #expect(batch.skipped.count == 3)
        #expect(batch.skipped.allSatisfy { $0.contains("no live data (real_fcap 'NA')") }, "\(batch.skipped)")
        #expect(Set(layouts.map(\.facilityID)).count == 11)
        #expect(layouts.allSatisfy { $0.timeZone == "Europe/Berlin" && $0.areas.count == 1 })
        #expect(Set(layouts.compactMap(\.name)).isSuperset(of: ["Parkplatz Döbele", "Parkhaus Marktstätte", "Parkhaus LAGO"]))
        for c in counts {
            let count = try c.decode(OccupancyCounted.self)
            #expect(count.occupied >= 0 && count.occupied <= (count.capacity ?? -1), "\(count)")
        }
        // First row: LAGO, 930 places, 664 free, updated at 1698948005000 ms; its layout comes just before.
        let lago = try batch.events.firstIndex { try $0.type == OccupancyCounted.eventType && $0.decode(OccupancyCounted.self).facilityID == "konstanz-4" }
        let lagoIndex = try #require(lago)
        #expect(try batch.events[lagoIndex].decode(OccupancyCounted.self).occupied == 266)
        #expect(batch.events[lagoIndex].eventTime == Timestamp(milliseconds: 1_698_948_005_000))
        #expect(batch.events[lagoIndex - 1].type == FacilityLayout.eventType && batch.events[lagoIndex - 1].key == "konstanz-4")
        #expect(batch.events[lagoIndex - 1].eventTime == batch.events[lagoIndex].eventTime)
        let router = RawEventRouter()
        for e in batch.events { _ = try router.route(e) }
    }
}
