import Events
import Testing

@Suite struct JSONParserTests {
    @Test func parsesScalarsAndNesting() throws {
        let v = try JSONParser.parse(#" {"a": [1, -2, 3.5, 1e3, true, false, null], "b": {"c": "d"}, "e": ""} "#)
        #expect(v["a"] == .array([.int(1), .int(-2), .double(3.5), .double(1000), .bool(true), .bool(false), .null]))
        #expect(v["b"]?["c"] == .string("d"))
        #expect(v["e"] == .string(""))
        #expect(v["missing"] == nil)
    }

    @Test func decodesEscapesAndUnicode() throws {
        let v = try JSONParser.parse(#"["a\"b\\c\/d\n\t", "\u00e9\u2122", "\ud83c\udfa2", "Space Mountain™ ’"]"#)
        #expect(v == .array([.string("a\"b\\c/d\n\t"), .string("é™"), .string("🎢"), .string("Space Mountain™ ’")]))
    }

    @Test func integersKeepFullRangeAndBigOnesBecomeDoubles() throws {
        #expect(try JSONParser.parse("9223372036854775807") == .int(Int64.max))
        #expect(try JSONParser.parse("-9223372036854775808") == .int(Int64.min))
        #expect(try JSONParser.parse("18446744073709551616") == .double(18446744073709551616))
    }

    @Test(arguments: [
        "", "{", "[1,]", "{\"a\":}", "{\"a\" 1}", "01", "1.", "-", "tru", "\"abc", "\"\\x\"", "[1] 2", "{'a':1}",
        "\"\\ud800\"", "\"a\u{01}b\"", "nul", "{\"a\":1,}", String(repeating: "[", count: 100) + String(repeating: "]", count: 100),
    ])
    func rejectsInvalidDocuments(_ text: String) {
        #expect(throws: JSONParseError.self) { try JSONParser.parse(text) }
    }

    @Test func errorsSayWhere() {
        do {
            _ = try JSONParser.parse("{\"a\": tru}")
            Issue.record("expected an error")
        } catch {
            #expect(error.offset == 6)
            #expect(error.description.contains("byte 6"))
        }
    }

    @Test func writerRoundTrips() throws {
        let v: JSONValue = .object([
            ("s", .string("q\"uote\\ \n ctl\u{01} ™")), ("i", .int(-42)), ("d", .double(0.25)), ("n", .null),
            ("a", .array([.bool(true), .object([])])),
        ])
        #expect(try JSONParser.parse(v.jsonString) == v)
    }

    @Test func splitsNDJSONLines() {
        let text = "{\"a\":1}\n\n  {\"b\":2}  \r\n{\"c\":3}"
        let lines = Array(text.utf8).withUnsafeBufferPointer { JSONParser.lines($0) }
        #expect(lines.map(\.line) == [1, 3, 4])
        #expect(lines.map { $0.range.count } == [7, 7, 7])
    }
}
