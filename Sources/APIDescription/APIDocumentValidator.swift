import Events

/// Checks an answer against an OpenAPI document as served (`/openapi.json`, parsed): the operation for the
/// request's method and path, that it declares the answer's status, and that the body conforms to the schema
/// given for that status. Understands the JSON Schema that `APISchema` writes: `type`, `properties`, `required`,
/// `additionalProperties: false`, `items`, `enum`, `oneOf`, `$ref`, `format: date-time`, `minimum`, `maximum`.
public struct APIDocumentValidator: Sendable {
    public let document: JSONValue
    private let paths: APIPathTemplates

    public init(document: JSONValue) {
        self.document = document
        paths = APIPathTemplates((document["paths"]?.objectValue ?? []).map(\.0))
    }

    /// The template of `path` (a request path, without its query) among the document's paths: literal segments
    /// equal, `{name}` segments any one non-empty segment; a literal match wins over a template's.
    public func template(of path: String) -> String? { paths.match(path) }

    /// What is wrong with answering `status` and `body` to `method` `uri`: empty when the document allows it.
    public func violations(method: String, uri: String, status: Int, body: JSONValue) -> [String] {
        let path = String(uri.prefix { $0 != "?" })
        guard let template = template(of: path) else { return ["\(method) \(path): no path of the document matches"] }
        guard let operation = document["paths"]?[template]?[method.lowercased()] else {
            return ["\(method) \(template): not in the document"]
        }
        guard let response = operation["responses"]?[String(status)] else {
            return ["\(method) \(template): answered \(status), which the document does not list"]
        }
        guard let schema = response["content"]?["application/json"]?["schema"] else {
            return ["\(method) \(template) \(status): the document gives no JSON schema"]
        }
        return violations(of: body, schema: schema, at: "$").map { "\(method) \(template) \(status): \($0)" }
    }

    /// What in `value` `schema` does not allow, each with where (`$.attractions[0].wait_minutes`).
    public func violations(of value: JSONValue, schema: JSONValue, at path: String) -> [String] {
        if let ref = schema["$ref"]?.stringValue {
            let name = ref.replacingPrefix("#/components/schemas/")
            guard let target = document["components"]?["schemas"]?[name] else { return ["\(path): unknown $ref \(ref)"] }
            return violations(of: value, schema: target, at: path)
        }
        if let alternatives = schema["oneOf"]?.arrayValue {
            let matching = alternatives.filter { violations(of: value, schema: $0, at: path).isEmpty }.count
            return matching == 1 ? [] : ["\(path): \(value.typeName) matches \(matching) of the oneOf alternatives, not one"]
        }
        guard let type = schema["type"]?.stringValue else { return [] }  // {}: anything
        switch (type, value) {
        case ("null", .null), ("boolean", .bool): return []
        case ("string", .string(let text)):
            if let allowed = schema["enum"]?.arrayValue, !allowed.contains(.string(text)) {
                return ["\(path): '\(text)' is not one of \(allowed.compactMap(\.stringValue))"]
            }
            if schema["format"]?.stringValue == "date-time", Timestamp(iso8601: text) == nil {
                return ["\(path): '\(text)' is not an RFC 3339 date-time"]
            }
            return []
        case ("integer", .int(let n)): return bounds(Double(n), schema, path)
        case ("integer", .double(let d)) where d.rounded() == d: return bounds(d, schema, path)
        case ("number", .int(let n)): return bounds(Double(n), schema, path)
        case ("number", .double(let d)): return bounds(d, schema, path)
        case ("array", .array(let items)):
            guard let item = schema["items"] else { return [] }
            return items.enumerated().flatMap { violations(of: $1, schema: item, at: "\(path)[\($0)]") }
        case ("object", .object(let fields)):
            let properties = schema["properties"]?.objectValue ?? []
            var problems: [String] = []
            for name in (schema["required"]?.arrayValue ?? []).compactMap(\.stringValue) where !fields.contains(where: { $0.0 == name }) {
                problems.append("\(path): '\(name)' is missing")
            }
            for (name, field) in fields {
                if let property = properties.first(where: { $0.0 == name }) {
                    problems += violations(of: field, schema: property.1, at: "\(path).\(name)")
                } else if let additional = schema["additionalProperties"] {
                    if additional.boolValue == false {
                        problems.append("\(path): '\(name)' is not in the schema")
                    } else if additional.objectValue != nil {
                        problems += violations(of: field, schema: additional, at: "\(path).\(name)")
                    }
                }
            }
            return problems
        default:
            return ["\(path): \(value.typeName) where the schema says \(type)"]
        }
    }

    private func bounds(_ v: Double, _ schema: JSONValue, _ path: String) -> [String] {
        if let minimum = schema["minimum"]?.doubleValue, v < minimum { return ["\(path): \(v) is below the minimum \(minimum)"] }
        if let maximum = schema["maximum"]?.doubleValue, v > maximum { return ["\(path): \(v) is above the maximum \(maximum)"] }
        return []
    }
}

extension String {
    fileprivate func replacingPrefix(_ prefix: String) -> String { hasPrefix(prefix) ? String(dropFirst(prefix.count)) : self }
}
