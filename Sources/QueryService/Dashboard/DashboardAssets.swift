import Foundation
import Hummingbird

/// The dashboard's static files (HTML, CSS, JavaScript: no build step), read once when the server starts and served
/// from memory, each with an ETag of its bytes. They ship as the `QueryService` target's resources
/// (`Turnstile_QueryService.resources/DashboardFiles` beside the binary), or come from a folder given with
/// `serve --dashboard-dir`, which is also how to try changes to them without a rebuild.
public struct DashboardAssets: Sendable {
    struct File: Sendable {
        var bytes: ByteBuffer
        var contentType: String
        var etag: String
    }

    /// Every file by its name (`index.html`, `dashboard.js`, …).
    let files: [String: File]
    /// Where they were read from; nil when no folder held them.
    public let directory: String?
    /// The folders looked in, for the error that says none held the files.
    public let searched: [String]

    static let contentTypes = [
        "html": "text/html; charset=utf-8", "css": "text/css; charset=utf-8", "js": "text/javascript; charset=utf-8",
        "svg": "image/svg+xml", "png": "image/png", "ico": "image/x-icon", "json": "application/json",
    ]

    /// The files of the first of `candidates` (by default `defaultDirectories`) that has an `index.html`.
    public static func load(from candidates: [String]? = nil) -> DashboardAssets {
        let searched = candidates ?? defaultDirectories()
        let fm = FileManager.default
        for directory in searched where fm.fileExists(atPath: directory + "/index.html") {
            var files: [String: File] = [:]
            for name in (try? fm.contentsOfDirectory(atPath: directory)) ?? [] {
                guard let ext = name.split(separator: ".").last.map(String.init), let type = contentTypes[ext],
                      let data = fm.contents(atPath: directory + "/" + name)
                else { continue }
                var hash = FNV1a()
                hash.add(bytes: data)
                files[name] = File(bytes: ByteBuffer(bytes: data), contentType: type, etag: "\"dashboard-\(String(hash.value, radix: 16))\"")
            }
            return DashboardAssets(files: files, directory: directory, searched: searched)
        }
        return DashboardAssets(files: [:], directory: nil, searched: searched)
    }

    /// Beside the running binary (where SwiftPM puts a target's resources, and where a deployment copies them),
    /// then the source tree this binary was built from (a development checkout).
    public static func defaultDirectories() -> [String] {
        var dirs: [String] = []
        if let exe = Bundle.main.executableURL?.resolvingSymlinksInPath() {
            dirs.append(exe.deletingLastPathComponent().appendingPathComponent("Turnstile_QueryService.resources/DashboardFiles").path)
        }
        let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        dirs.append(source.appendingPathComponent("DashboardFiles").path)
        return dirs
    }
}
