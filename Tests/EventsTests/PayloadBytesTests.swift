@testable import Events
import Testing

/// The hot path reads envelopes' payloads straight from bytes; the tree path (`EventEnvelope(json:)`, which
/// keeps a tree) is the reference. Every input here must give the same value, or the same error, both ways.
@Suite struct PayloadBytesTests {
    static let head = #"{"id":"e1","type":"parks.wait_time.observed","schema_version":1,"event_time":"2024-12-14T18:05:00Z","ingest_time":"2024-12-14T18:05:02Z","payload":"#

    enum Outcome: Equatable {
        case value(WaitTimeObserved)
        case error(EventValidationError)
    }

    static func viaBytes(_ json: String) -> Outcome {
        do {
            let e = try EventEnvelope.decode(Array(json.utf8))
            return .value(try e.decode(WaitTimeObserved.self))
        } catch {
            return .error(error)
        }
    }

    static func viaTree(_ json: String) -> Outcome {
        do throws(EventValidationError) {
            let tree: JSONValue
            do { tree = try JSONParser.parse(json) } catch { throw EventValidationError(error) }
            let e = try EventEnvelope(json: tree)
            return .value(try e.decode(WaitTimeObserved.self))
        } catch {
            return .error(error)
        }
    }

    @Test(arguments: [
        #"{"park_id":"sim-1","attraction_id":"ride-1","attraction_name":"Coaster 1","wait_minutes":35,"status":"OPERATING","time_zone":"Europe/Paris"}"#,
        #" { "park_id" : 16 , "attraction_id" : -0 , "wait_minutes" : null , "status" : "CLOSED" } "#,
        #"{"park_id":"1","attraction_id":"2","status":"DOWN","wait_minutes":30.0}"#,
        #"{"park_id":"1","attraction_id":"2","status":"DOWN","wait_minutes":3e1}"#,
        #"{"park_id":"1","attraction_id":"2","status":"DOWN","wait_minutes":30.5}"#,
        #"{"park_id":"1","attraction_id":"2","status":"OPERATING","wait_minutes":600}"#,
        #"{"park_id":"1","attraction_id":"2","status":"OPERATING","wait_minutes":601}"#,
        #"{"park_id":"1","attraction_id":"2","status":"OPERATING","wait_minutes":-1}"#,
        #"{"park_id":"1","attraction_id":"2","status":"OPERATING","wait_minutes":99999999999999999999}"#,
        #"{"park_id":9223372036854775807,"attraction_id":-9223372036854775808,"status":"OPERATING"}"#,
        #"{"park_id":9223372036854775808,"attraction_id":"2","status":"OPERATING"}"#,
        #"{"park_id":1.5,"attraction_id":"2","status":"OPERATING"}"#,
        #"{"park_id":"","attraction_id":"2","status":"OPERATING"}"#,
        #"{"park_id":true,"attraction_id":"2","status":"OPERATING"}"#,
        #"{"park_id":"1","attraction_id":"2","status":"operating"}"#,
        #"{"park_id":"1","attraction_id":"2","status":"OPER\u0041TING"}"#,
        #"{"park_id":"1","attraction_id":"2","status":"\u212AOPERATING"}"#,
        #"{"park_id":"1","attraction_id":"2","status":7}"#,
        #"{"park_id":"1","attraction_id":"2"}"#,
        #"{"park_id":"a/b","attraction_id":"2","status":"OPERATING"}"#,
        #"{"park_id":"a\/b","attraction_id":"2","status":"OPERATING"}"#,
        #"{"park_id":"a/\u0301b","attraction_id":"2","status":"OPERATING"}"#,
        "{\"park_id\":\"a/\u{301}b\",\"attraction_id\":\"2\",\"status\":\"OPERATING\"}",
        "{\"park_id\":\"Parc Astérix\",\"attraction_id\":\"Tonnerre 2 Zeus™ 🎢\",\"status\":\"OPERATING\"}",
        #"{"park_id":"1","attraction_id":"2","status":"OPERATING","attraction_name":"Caf\u00e9 \"X\"\n","time_zone":"Asia\/Tokyo"}"#,
        #"{"park\u005fid":"1","attraction_id":"2","status":"OPERATING"}"#,
        #"{"park_id":"1","park_id":"2","attraction_id":"2","status":"OPERATING"}"#,
        #"{"park_id":"1","attraction_id":"2","status":"OPERATING","wait_minutes":5,"wait_minutes":"x","status":1}"#,
        #"{"park_id":null,"park_id":"2","attraction_id":"2","status":"OPERATING"}"#,
        #"{"park_id":"1","attraction_id":"2","status":"OPERATING","attraction_name":5}"#,
        #"{"park_id":"1","attraction_id":"2","status":"OPERATING","time_zone":["Europe/Paris"]}"#,
        #"{"extra":{"a":[1,{"b":"}]\"{"}],"c":null},"park_id":"1","more":[[],{},"x\\",-1.5e-3,true,false],"attraction_id":"2","status":"OPERATING"}"#,
        #"{}"#,
        #"{"a":1}"#,
    ])
    func bytesAndTreeAgree(_ payload: String) {
        let json = Self.head + payload + "}"
        #expect(Self.viaBytes(json) == Self.viaTree(json), "\(payload)")
    }

    @Test func plainPayloadsTakeTheBytePath() throws {
        let e = try EventEnvelope.decode(Array((Self.head + #"{"park_id":"1","attraction_id":2,"status":"DOWN"}}"#).utf8))
        guard case .bytes(let bytes) = e.payloadStorage else {
            Issue.record("payload not kept as bytes")
            return
        }
        let direct = bytes.withUnsafeBufferPointer { WaitTimeObserved(payloadBytes: PayloadBytes(checked: $0)) }
        #expect(direct == WaitTimeObserved(parkID: "1", attractionID: "2", waitMinutes: nil, status: .down))
        // Anything not plainly valid is left to the tree.
        let escaped = Array(#"{"park_id":"1","attraction_id":"2","status":"DOWN","time_zone":"A\/B"}"#.utf8)
        #expect(escaped.withUnsafeBufferPointer { WaitTimeObserved(payloadBytes: PayloadBytes(checked: $0)) } == nil)
    }

    @Test func everyStatusIsReadFromBytes() {
        for status in AttractionStatus.allCases {
            let json = Self.head + #"{"park_id":"1","attraction_id":"2","status":"\#(status.rawValue)"}}"#
            #expect(Self.viaBytes(json) == .value(WaitTimeObserved(parkID: "1", attractionID: "2", waitMinutes: nil, status: status)))
        }
    }

    @Test func envelopesFromBytesEqualTheirTrees() throws {
        let json = Self.head + #"{"park_id":"1","attraction_id":"2","status":"DOWN","n":[1.5,{"x":null}]}}"#
        let fromBytes = try EventEnvelope.decode(Array(json.utf8))
        let fromTree = try EventEnvelope(json: try JSONParser.parse(json))
        #expect(fromBytes == fromTree)
        #expect(fromBytes.payload == fromTree.payload)
        #expect(fromBytes.payload["n"] == .array([.double(1.5), .object([("x", .null)])]))
        #expect(fromBytes.encoded() == fromTree.encoded())
        var changed = fromBytes
        changed.payload = .object([("park_id", .string("9"))])
        #expect(changed != fromTree)
        #expect(changed.payload["park_id"] == .string("9"))
    }

    /// Payloads (and unknown members) are checked without being built: the errors must be the parser's own.
    @Test(arguments: [
        #"{"a":tru}"#, #"{"a":"\x"}"#, #"{"a":"\ud800"}"#, #"{"a":"\ud800\u0041"}"#, #"{"a":"\u12G4"}"#, #"{"a":"\u12"#,
        #"{"a":[1,]}"#, #"{"a":01}"#, #"{"a":1.}"#, #"{"a":-}"#, #"{"a":1e999}"#, #"{"a" 1}"#, #"{"a":1,}"#, #"{"a":1"#,
        #"{"a":"x"#, "{\"a\":\"x\u{01}\"}", #"{"a\":1}"#, #"{1:2}"#, #"{"a":[1 2]}"#, #"{"a":{"b":}}"#, #"{"a":nul}"#,
        String(repeating: "[", count: 70) + String(repeating: "]", count: 70),
        "{\"a\":" + String(repeating: "{\"b\":", count: 62) + "1" + String(repeating: "}", count: 62) + "}",
        "{\"a\":" + String(repeating: "{\"b\":", count: 63) + "1" + String(repeating: "}", count: 63) + "}",
    ])
    func malformedPayloadsFailAsTheParserSays(_ payload: String) {
        for json in [Self.head + payload + "}", #"{"unknown":"# + payload + "," + Self.head.dropFirst() + "{}}"] {
            let parserSays: JSONParseError? = {
                do throws(JSONParseError) {
                    _ = try JSONParser.parse(json)
                    return nil
                } catch { return error }
            }()
            if let parserSays {
                #expect(Self.viaBytes(json) == .error(EventValidationError(parserSays)), "\(json)")
            }
            #expect(Self.viaBytes(json) == Self.viaTree(json), "\(json)")
        }
    }

    @Test func nonObjectPayloadsAreRejectedAsBefore() {
        for payload in ["null", "1", "\"x\"", "[]"] {
            let json = Self.head + payload + "}"
            #expect(Self.viaBytes(json) == .error(EventValidationError(field: "payload", reason: "expected an object")))
        }
    }

    @Test func plainRunsStopAtTheFirstByteToEscape() {
        let fillers: [UInt8] = [0x20, 0x21, 0x23, 0x41, 0x5B, 0x5D, 0x7F, 0x80, 0xC3, 0xFF]
        let stops: [UInt8] = [0x22, 0x5C, 0x00, 0x0A, 0x1F]
        for length in 0...40 {
            for filler in fillers {
                let plain = [UInt8](repeating: filler, count: length)
                #expect(plain.withUnsafeBufferPointer { JSONBytes.plainRun($0.baseAddress ?? UnsafePointer(bitPattern: 1)!, $0.count) } == length)
                for position in 0..<length {
                    for stop in stops {
                        var bytes = plain
                        bytes[position] = stop
                        // A second stop later must not matter.
                        if position + 3 < length { bytes[position + 3] = 0x22 }
                        #expect(bytes.withUnsafeBufferPointer { JSONBytes.plainRun($0.baseAddress!, $0.count) } == position)
                    }
                }
            }
        }
    }

    @Test func derivedIDsKeepTheirValues() {
        // Pinned: derived ids are stored and deduplicated on, they must never change.
        #expect(EventID.derived("parks_wait_times", "e1") == "8a4b06c3-8e4c-8c7b-9420-a455a03a2275")
        #expect(EventID.derived(["parks_wait_times", "e1"]) == "8a4b06c3-8e4c-8c7b-9420-a455a03a2275")
        #expect(EventID.derived("café", "x") == "dd89c033-5a3f-8fdd-abde-5c0a6e11adfb")
        #expect(EventID.derived(["café", "x"]) == EventID.derived("café", "x"))
    }
}
