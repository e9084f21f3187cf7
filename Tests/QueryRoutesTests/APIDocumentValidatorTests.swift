import APIDescription
import Events
import Testing

/// The document checker the API tests rely on, on a document of one operation: it finds what a schema does not
/// allow (types, missing and extra members, enums, date-times, bounds, nulls, `oneOf`, references, maps) and
/// statuses the document does not list.
@Suite struct APIDocumentValidatorTests {
    static let thing = APISchema.reference("Thing", .object([
        ("id", .string), ("count", .integer(minimum: 0, maximum: 10)), ("ratio", .nullable(.number(minimum: 0))),
        ("at", .dateTime), ("kind", .enumeration(["a", "b"])), ("flags", .map(.boolean)), ("any", .any),
    ]))
    static let validator: APIDocumentValidator = {
        var op = APIOperation(
            "GET", "/v1/things/{thing_id}", id: "getThing", summary: "A thing.", tag: "t", parameters: [.id("thing_id", "Its id")],
            response: .object([("thing", thing), ("more", .array(thing))]))
        op.otherResponses = [(409, .either([.object([("a", .integer)]), .object([("b", .integer)])]))]
        let literal = APIOperation("GET", "/v1/things/special", id: "getSpecial", summary: "Special.", tag: "t", response: .boolean)
        let json = APIDocument(version: "1", operations: [op, literal]).json
        return APIDocumentValidator(document: try! JSONParser.parse(json))
    }()

    static func problems(_ body: String, status: Int = 200, uri: String = "/v1/things/x?y=1") -> [String] {
        validator.violations(method: "GET", uri: uri, status: status, body: try! JSONParser.parse(body))
    }

    static let good = #"{"id":"x","count":3,"ratio":null,"at":"2024-05-20T10:00:00Z","kind":"a","flags":{"p":true},"any":[1,{"z":null}]}"#

    @Test func aConformingAnswerHasNoViolations() {
        #expect(Self.problems(#"{"thing":\#(Self.good),"more":[\#(Self.good)]}"#) == [])
        #expect(Self.problems(#"{"error":{"code":"not_found","message":"no","field":"thing_id"}}"#, status: 404) == [])
        #expect(Self.problems(#"{"a":1}"#, status: 409) == [])
        #expect(Self.validator.template(of: "/v1/things/special") == "/v1/things/special", "a literal segment wins")
        #expect(Self.problems("true", uri: "/v1/things/special") == [])
    }

    @Test func eachKindOfDeviationIsNamedWithWhereItIs() {
        func one(_ thing: String) -> [String] { Self.problems(#"{"thing":\#(thing),"more":[]}"#) }
        let good = Self.good
        #expect(one(good.replacingOccurrences(of: #""count":3"#, with: #""count":"3""#)).first?.contains("$.thing.count: string where the schema says integer") == true)
        #expect(one(good.replacingOccurrences(of: #""count":3"#, with: #""count":11"#)).first?.contains("above the maximum") == true)
        #expect(one(good.replacingOccurrences(of: #""count":3"#, with: #""count":2.5"#)).first?.contains("number where the schema says integer") == true)
        #expect(one(good.replacingOccurrences(of: #""ratio":null"#, with: #""ratio":-1"#)).first?.contains("matches 0 of the oneOf") == true)
        #expect(one(good.replacingOccurrences(of: #""kind":"a""#, with: #""kind":"c""#)).first?.contains("is not one of") == true)
        #expect(one(good.replacingOccurrences(of: "2024-05-20T10:00:00Z", with: "yesterday")).first?.contains("not an RFC 3339 date-time") == true)
        #expect(one(good.replacingOccurrences(of: #""flags":{"p":true}"#, with: #""flags":{"p":1}"#)).first?.contains("$.thing.flags.p") == true)
        #expect(one(good.replacingOccurrences(of: #""id":"x","#, with: "")).first?.contains("'id' is missing") == true)
        #expect(one(good.replacingOccurrences(of: #""id":"x""#, with: #""id":"x","extra":1"#)).first?.contains("'extra' is not in the schema") == true)
        #expect(Self.problems(#"{"thing":\#(good),"more":[\#(good),{}]}"#).first?.contains("$.more[1]") == true)
        #expect(Self.problems(#"{"b":1,"a":2}"#, status: 409).first?.contains("matches 0 of the oneOf") == true, "both members: neither")
    }

    @Test func answersTheDocumentDoesNotDescribeAreViolations() {
        #expect(Self.problems("{}", status: 418).first?.contains("answered 418, which the document does not list") == true)
        #expect(Self.problems("{}", uri: "/v1/nothing").first?.contains("no path of the document matches") == true)
        #expect(Self.validator.violations(method: "POST", uri: "/v1/things/x", status: 200, body: .null).first?.contains("not in the document") == true)
        #expect(Self.problems(#"{"error":{"code":"x","message":"y"}}"#, status: 404).first?.contains("'field' is missing") == true)
    }
}
