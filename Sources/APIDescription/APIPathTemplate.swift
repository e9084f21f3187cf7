/// Which of a document's path templates (`/v1/parks/{park_id}/waits`) a request path matches, as the router
/// matches them: literal segments equal, a `{name}` segment any one non-empty segment, and where several match,
/// the one with the fewest captures (a literal segment wins over a capture).
public enum APIPathTemplate {
    public static func match(_ path: String, among templates: some Sequence<String>) -> String? {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        var best: (template: String, captures: Int)?
        for template in templates {
            let pattern = template.split(separator: "/", omittingEmptySubsequences: false)
            guard pattern.count == parts.count else { continue }
            var captures = 0, matches = true
            for (p, part) in zip(pattern, parts) {
                if p.hasPrefix("{") && p.hasSuffix("}") {
                    captures += 1
                    if part.isEmpty { matches = false; break }
                } else if p != part {
                    matches = false
                    break
                }
            }
            if matches, best.map({ captures < $0.captures }) ?? true { best = (template, captures) }
        }
        return best?.template
    }
}
