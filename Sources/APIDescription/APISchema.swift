import Events

/// The JSON Schema (OpenAPI 3.1's dialect) of a value the API reads or answers: the subset Turnstile's answers
/// use, written into `/openapi.json`. Tests check real answers against the document served
/// (`APIDocumentValidator`), so the document and the code that writes the JSON cannot drift apart unnoticed.
public indirect enum APISchema: Sendable {
    /// A string; `format` is JSON Schema's (`date-time`), `pattern` a regular expression it matches, `maxLength` in
    /// characters.
    case string(format: String? = nil, pattern: String? = nil, maxLength: Int? = nil)
    /// One of these strings.
    case enumeration([String])
    case integer(minimum: Int64? = nil, maximum: Int64? = nil)
    case number(minimum: Double? = nil, maximum: Double? = nil)
    case boolean
    case array(APISchema)
    /// An object with exactly these members, each required (an absent value is written as `null`: see `nullable`).
    case object([(String, APISchema)], description: String? = nil)
    /// An object of any member names, every value of this schema (`additionalProperties`).
    case map(APISchema)
    /// The value, or `null`.
    case nullable(APISchema)
    /// Exactly one of these (JSON Schema's `oneOf`).
    case either([APISchema])
    /// A named schema of the document's `components` (defined once there).
    case reference(String, APISchema)
    /// Any JSON value (a payload passed through as it came).
    case any

    public static let string = APISchema.string()
    public static let integer = APISchema.integer()
    public static let number = APISchema.number()
    public static let dateTime = APISchema.string(format: "date-time")
    /// An id as events carry them (`TextRules`): no C0 or C1 control character, DEL included.
    public static let identifier = APISchema.string(pattern: "^[^\\u0000-\\u001F\\u007F-\\u009F]+$", maxLength: TextRules.maxIdentifierBytes)

    /// The named schemas this one uses, each once (the document's `components.schemas`).
    public var references: [(String, APISchema)] {
        var found: [(String, APISchema)] = []
        collect(into: &found)
        return found
    }

    private func collect(into found: inout [(String, APISchema)]) {
        switch self {
        case .array(let item), .nullable(let item), .map(let item): item.collect(into: &found)
        case .either(let schemas): for schema in schemas { schema.collect(into: &found) }
        case .object(let members, _): for (_, m) in members { m.collect(into: &found) }
        case .reference(let name, let schema):
            guard !found.contains(where: { $0.0 == name }) else { return }
            found.append((name, schema))
            schema.collect(into: &found)
        default: break
        }
    }

    /// Writes the schema (a reference as its `$ref`; `components` write what it names).
    public func write(to json: inout JSONWriter) {
        json.beginObject()
        switch self {
        case .string(let format, let pattern, let maxLength):
            json.key("type"); json.string("string")
            if let format { json.key("format"); json.string(format) }
            if let pattern { json.key("pattern"); json.string(pattern) }
            if let maxLength { json.key("maxLength"); json.int(maxLength) }
        case .enumeration(let values):
            json.key("type"); json.string("string")
            json.key("enum"); json.beginArray(); for v in values { json.string(v) }; json.endArray()
        case .integer(let minimum, let maximum):
            json.key("type"); json.string("integer")
            if let minimum { json.key("minimum"); json.int(minimum) }
            if let maximum { json.key("maximum"); json.int(maximum) }
        case .number(let minimum, let maximum):
            json.key("type"); json.string("number")
            if let minimum { json.key("minimum"); json.double(minimum) }
            if let maximum { json.key("maximum"); json.double(maximum) }
        case .boolean:
            json.key("type"); json.string("boolean")
        case .array(let item):
            json.key("type"); json.string("array")
            json.key("items"); item.write(to: &json)
        case .object(let members, let description):
            json.key("type"); json.string("object")
            if let description { json.key("description"); json.string(description) }
            json.key("properties"); json.beginObject()
            for (name, schema) in members { json.key(name); schema.write(to: &json) }
            json.endObject()
            json.key("required"); json.beginArray(); for (name, _) in members { json.string(name) }; json.endArray()
            json.key("additionalProperties"); json.bool(false)
        case .map(let value):
            json.key("type"); json.string("object")
            json.key("additionalProperties"); value.write(to: &json)
        case .nullable(let schema):
            json.key("oneOf"); json.beginArray()
            schema.write(to: &json)
            json.beginObject(); json.key("type"); json.string("null"); json.endObject()
            json.endArray()
        case .either(let schemas):
            json.key("oneOf"); json.beginArray()
            for schema in schemas { schema.write(to: &json) }
            json.endArray()
        case .reference(let name, _):
            json.key("$ref"); json.string("#/components/schemas/\(name)")
        case .any:
            break
        }
        json.endObject()
    }
}
