/// A document's path templates (`/v1/parks/{park_id}/waits`), split into segments once, and which of them a request
/// path matches, as the router matches them: literal segments equal, a `{name}` segment any one non-empty segment,
/// and where several match, the one with the fewest captures (a literal segment wins over a capture).
///
/// Split once because the query service asks on every request (`ConditionalGETMiddleware`).
public struct APIPathTemplates: Sendable {
    private let templates: [(template: String, segments: [Substring?])]

    /// Each template's segments: a literal one as it is, a capture as nil.
    public init(_ templates: some Sequence<String>) {
        self.templates = templates.map { template in
            (template, template.split(separator: "/", omittingEmptySubsequences: false).map { s in
                s.hasPrefix("{") && s.hasSuffix("}") ? nil : s
            })
        }
    }

    public func match(_ path: String) -> String? {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        var best: (template: String, captures: Int)?
        for (template, segments) in templates where segments.count == parts.count {
            var captures = 0, matches = true
            for (segment, part) in zip(segments, parts) {
                if let literal = segment {
                    if literal != part { matches = false; break }
                } else {
                    captures += 1
                    if part.isEmpty { matches = false; break }
                }
            }
            if matches, best.map({ captures < $0.captures }) ?? true { best = (template, captures) }
        }
        return best?.template
    }
}
