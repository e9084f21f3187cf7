import Events
import Foundation
import Processor
import Replay

/// Text and JSON renderings of versions, checksums and diffs for the `projections` commands.
enum VersionsReport {
    static func table(_ versions: [ProjectionVersion]) -> String {
        var rows = [["PROJECTION", "VERSION", "STATUS", "TABLES", "FROM", "CREATED", "PROMOTED", "PROGRESS"]]
        for v in versions {
            rows.append([
                v.projection, String(v.number), v.status.rawValue, v.placement.schema ?? "(original)", v.start,
                v.createdAt > 0 ? Timestamp(microseconds: v.createdAt).description : "-",
                v.promotedAt.map { Timestamp(microseconds: $0).description } ?? "-", progressSummary(v.progress),
            ])
        }
        return TextTable.render(rows)
    }

    static func progressSummary(_ json: String?) -> String {
        guard let json, let data = json.data(using: .utf8),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return "-" }
        let phase = object["phase"] as? String ?? "?"
        let folded = object["folded"] as? Int ?? 0
        let left = object["left"] as? Int ?? 0
        return "\(phase), \(folded) folded, \(left) left"
    }

    static func json(_ v: ProjectionVersion) -> String {
        var w = JSONWriter(capacity: 256)
        w.beginObject()
        w.key("projection"); w.string(v.projection)
        w.key("version"); w.int(v.number)
        w.key("status"); w.string(v.status.rawValue)
        w.key("schema"); if let s = v.placement.schema { w.string(s) } else { w.null() }
        w.key("from"); w.string(v.start)
        w.key("created_at"); if v.createdAt > 0 { w.string(Timestamp(microseconds: v.createdAt).description) } else { w.null() }
        w.key("promoted_at"); if let p = v.promotedAt { w.string(Timestamp(microseconds: p).description) } else { w.null() }
        w.key("deferred_indexes"); w.int(v.deferredIndexes.count)
        w.endObject()
        var text = w.string
        // The stored progress report is JSON already: embed it as is.
        if let progress = v.progress { text.removeLast(); text += ",\"progress\":\(progress)}" }
        return text
    }

    static func checksumText(_ c: VersionChecksum) -> String {
        var lines = ["\(c.projection) version \(c.version): \(c.digest)"]
        for t in c.tables { lines.append("  \(t.table): \(t.rows) rows, md5 \(t.md5)") }
        return lines.joined(separator: "\n")
    }

    static func diffText(_ d: VersionDiff) -> String {
        var lines = ["\(d.projection): version \(d.a) vs version \(d.b): \(d.identical ? "identical" : "different")"]
        for t in d.tables {
            if t.identical {
                lines.append("  \(t.name): identical (\(t.a.rows) rows)")
                continue
            }
            lines.append("  \(t.name): \(t.a.rows) rows vs \(t.b.rows) rows, md5 \(t.a.md5) vs \(t.b.md5)")
            for k in t.onlyInA { lines.append("    only in v\(d.a) (or different): \(k)") }
            for k in t.onlyInB { lines.append("    only in v\(d.b) (or different): \(k)") }
        }
        return lines.joined(separator: "\n")
    }
}
