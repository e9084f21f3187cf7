import Events
import Testing

@Suite struct JSONWriterTests {
    @Test func writesCompactJSONExactly() {
        var w = JSONWriter(capacity: 0)
        w.beginObject()
        w.key("a"); w.beginArray()
        w.int(1); w.int(-2); w.int(Int64.min); w.double(0.25); w.double(3); w.double(.infinity); w.null(); w.bool(true)
        w.bool(false); w.string("x\"\\\n\r\t\u{01}\u{1F}é™"); w.optional(nil as Int?); w.optional(7 as Int?)
        w.endArray()
        w.key("b"); w.beginObject(); w.endObject()
        w.key("c"); w.beginArray(); w.endArray()
        w.key("k\"ey"); w.timestamp(Timestamp(iso8601: "2024-05-23T10:15:00.5Z")!)
        w.key("r"); w.raw(Array(#"{"z":[1]}"#.utf8))
        w.key(""); w.string("")
        w.endObject()
        let expected = #"{"a":[1,-2,-9223372036854775808,0.25,3,null,null,true,false,"x\"\\\n\r\t\u0001\u001fé™",null,7],"b":{},"c":[],"k\"ey":"2024-05-23T10:15:00.500Z","r":{"z":[1]},"":""}"#
        #expect(w.string == expected)
        #expect(w.bytes == Array(expected.utf8))
        #expect(w.takeBytes() == Array(expected.utf8))
        // Taking the bytes leaves an empty writer that starts again.
        #expect(w.bytes.isEmpty)
        w.beginArray(); w.int(1); w.endArray()
        #expect(w.string == "[1]")
    }

    @Test func growsPastItsCapacityAndDeepNesting() throws {
        var w = JSONWriter(capacity: 8)
        let long = String(repeating: "\u{01}ab\"", count: 500)
        for _ in 0..<100 { w.beginArray() }
        w.string(long)
        w.int(5)
        for _ in 0..<100 { w.endArray() }
        let text = w.string
        #expect(text.hasPrefix(String(repeating: "[", count: 100) + "\"\\u0001ab\\\""))
        #expect(text.hasSuffix(",5" + String(repeating: "]", count: 100)))
        var v = try JSONParser.parse(String(repeating: "[", count: 60) + "1" + String(repeating: "]", count: 60))
        for _ in 0..<59 { v = v.arrayValue![0] }
        #expect(v == .array([.int(1)]))
        let bigger = JSONValue.array([.string(long), .object([("k", .string(long))])])
        #expect(try JSONParser.parse(bigger.jsonString) == bigger)
    }

    @Test func timestampsOfAnyYear() {
        for text in ["1970-01-01T00:00:00Z", "2024-02-29T23:59:59.999999Z", "0001-01-01T00:00:00.001Z"] {
            var w = JSONWriter()
            w.timestamp(Timestamp(iso8601: text)!)
            #expect(w.string == "\"\(text)\"")
        }
        var w = JSONWriter()
        w.timestamp(Timestamp(microseconds: -(1 << 62)))
        w.timestamp(Timestamp(microseconds: 1 << 62))
        #expect(w.string == "\"\(Timestamp(microseconds: -(1 << 62)).iso8601)\",\"\(Timestamp(microseconds: 1 << 62).iso8601)\"")
    }
}
