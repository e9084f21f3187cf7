import Testing

@testable import Postgres

@Suite struct PGValueTests {
    @Test func arrayLiteralsQuoteEverythingThatNeedsIt() {
        #expect(PGArrayText.encode([Int64]()) == "{}")
        #expect(PGArrayText.encode([1, -2, Int64.max]) == "{1,-2,9223372036854775807}")
        #expect(
            PGArrayText.encode(["a", "b c", "x\"y", "back\\slash", "NULL", "", "{,}", nil])
                == #"{"a","b c","x\"y","back\\slash","NULL","","{,}",NULL}"#)
    }

    @Test func arrayOutputParses() {
        #expect(PGArrayText.parse("{}") == [])
        #expect(
            PGArrayText.parse(#"{"a b",NULL,"x\"y","NULL",plain,"back\\slash"}"#) == [
                "a b", nil, "x\"y", "NULL", "plain", "back\\slash",
            ])
        #expect(PGArrayText.parse("[0:1]={7,8}") == ["7", "8"])
        #expect(PGArrayText.parse("{{1,2},{3,4}}") == nil)
        #expect(PGArrayText.parse("{1,2") == nil)
        #expect(PGArrayText.parse("1,2}") == nil)
        let strings: [String?] = ["", "a,b", "}", "\\", "\"", "NULL", nil, "ünïcödé"]
        #expect(PGArrayText.parse(PGArrayText.encode(strings)) == strings)
    }

    @Test func textEncodingsAndTypes() {
        #expect(PGValue.int(-42).textEncoding == "-42")
        #expect(PGValue.double(0.1).textEncoding == "0.1")
        #expect(PGValue.double(.nan).textEncoding == "NaN")
        #expect(PGValue.double(-.infinity).textEncoding == "-Infinity")
        #expect(PGValue.bool(false).textEncoding == "f")
        #expect(PGValue.timestamp(0).textEncoding == "1970-01-01T00:00:00Z")
        #expect(PGValue.null.textEncoding == nil)
        #expect(PGValue.int(1).typeOID == PGValue.TypeOID.int8)
        #expect(PGValue.text("x").typeOID == PGValue.TypeOID.unknown)
    }

    @Test func literalsAndOptionals() {
        let values: [PGValue] = [nil, "s", 7, 2.5, true]
        #expect(values == [.null, .text("s"), .int(7), .double(2.5), .bool(true)])
        let missing: String? = nil
        #expect(PGValue.text(missing) == .null)
        #expect(PGValue.int(Int(3)) == .int(3))
    }

    @Test func nulInTextParameterIsRejectedNotTruncated() {
        #expect(throws: PGError.self) { try PGParameters([.text("a\u{0}b")], sql: "SELECT $1") }
    }

    @Test func refusedConnectionSaysWhatToDo() {
        // Port 1 on loopback: nothing listens, so this fails at once without a database.
        #expect {
            try PGSession.connect(url: "postgres://nobody@127.0.0.1:1/none?connect_timeout=2")
        } throws: { error in
            guard let error = error as? PGError else { return false }
            return error.kind == .connection && error.isConnectionLost
                && error.description.contains("is the database running? check the host and port in DATABASE_URL")
        }
    }

    @Test func malformedURLSaysSo() {
        #expect {
            try PGSession.connect(url: "postgres://host:notaport/db")
        } throws: { error in
            (error as? PGError)?.description.contains("DATABASE_URL") == true
        }
    }

    @Test func errorHelpersClassifySQLStates() {
        #expect(PGError(kind: .query, message: "", sqlState: "23505").isUniqueViolation)
        #expect(PGError(kind: .query, message: "", sqlState: "40001").isSerializationFailure)
        #expect(PGError(kind: .query, message: "", sqlState: "40P01").isSerializationFailure)
        #expect(PGError(kind: .query, message: "", sqlState: "57P01").isConnectionLost)
        #expect(PGError(kind: .query, message: "", sqlState: "08006").isConnectionLost)
        #expect(!PGError(kind: .query, message: "", sqlState: "42601").isConnectionLost)
        let long = String(repeating: "x", count: 1000)
        #expect(PGError(kind: .query, message: "", sql: long).sql!.count < 400)
    }
}
