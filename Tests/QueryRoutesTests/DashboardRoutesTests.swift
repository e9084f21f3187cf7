import Events
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

@testable import QueryService

/// The dashboard's files as the server gives them: from memory with ETags and a strict Content-Security-Policy,
/// a JSON error for what is not one of them, a clear 503 when they were not shipped. What the page does with the
/// API is tested in a real browser (`DashboardBrowserTests`).
@Suite struct DashboardRoutesTests {
    static func app(_ routes: DashboardRoutes) -> some ApplicationProtocol {
        let router = Router(context: BasicRequestContext.self)
        QueryService(routes: [], otherOperations: DashboardRoutes.operations, readiness: { [:] }, metrics: { "" }).addRoutes(to: router)
        routes.add(to: router)
        return Application(router: router, logger: Logger(label: "test"))
    }

    /// Every file the page refers to (the page's scripts and styles, each module's imports) is one the server has.
    @Test func theShippedPageRefersOnlyToFilesItShips() throws {
        let assets = DashboardAssets.load()
        let directory = try #require(assets.directory, "no dashboard files found in \(assets.searched)")
        #expect(directory.hasSuffix("DashboardFiles"))
        let index = try #require(assets.files["index.html"].map { String(buffer: $0.bytes) })
        var referred = Self.matches(#"(?:src|href)="/dashboard/([^"]+)""#, in: index)
        for (name, file) in assets.files where name.hasSuffix(".js") {
            referred += Self.matches(#"from "\./([^"]+)""#, in: String(buffer: file.bytes))
        }
        #expect(Set(referred).isSuperset(of: ["app.js", "dashboard.css", "park.js", "race.js", "facility.js"]))
        for name in Set(referred) { #expect(assets.files[name] != nil, "\(name) is referred to but not shipped") }
        // Nothing from elsewhere: no CDN, no remote font.
        for (name, file) in assets.files where !name.hasSuffix(".png") {
            #expect(!String(buffer: file.bytes).contains("https://"), "\(name) loads something from elsewhere")
        }
    }

    static func matches(_ pattern: String, in text: String) -> [String] {
        let regex = try! NSRegularExpression(pattern: pattern)
        return regex.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap {
            Range($0.range(at: 1), in: text).map { String(text[$0]) }
        }
    }

    @Test func filesAnswerWithETagsAndEverythingElseIsAJSONError() async throws {
        try await Self.app(DashboardRoutes(assets: .load())).test(.router) { client in
            let (etag, policy) = try await client.execute(uri: "/", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "text/html; charset=utf-8")
                #expect(String(buffer: response.body).contains("<title>Turnstile</title>"))
                return (response.headers[.eTag], response.headers[HTTPField.Name("Content-Security-Policy")!])
            }
            #expect(policy?.contains("default-src 'self'") == true)
            let tag = try #require(etag)
            try await client.execute(uri: "/", method: .get, headers: [.ifNoneMatch: tag]) { response in
                #expect(response.status == .notModified && response.body.readableBytes == 0)
            }
            try await client.execute(uri: "/dashboard/app.js", method: .get) { response in
                #expect(response.status == .ok && response.headers[.contentType] == "text/javascript; charset=utf-8")
            }
            for uri in ["/dashboard/nope.js", "/dashboard/index.html", "/dashboard/..%2FPackage.swift"] {
                try await client.execute(uri: uri, method: .get) { response in
                    let body = try JSONParser.parse(Array(response.body.readableBytesView))
                    #expect(response.status == .notFound && body["error"]?["field"] == .string("file"), "\(uri)")
                }
            }
        }
    }

    @Test func withoutItsFilesThePageSaysWhereItLookedAndWhatToDo() async throws {
        let assets = DashboardAssets.load(from: ["/nonexistent/dashboard"])
        #expect(assets.directory == nil)
        try await Self.app(DashboardRoutes(assets: assets)).test(.router) { client in
            try await client.execute(uri: "/", method: .get) { response in
                let body = try JSONParser.parse(Array(response.body.readableBytesView))
                #expect(response.status == .serviceUnavailable)
                let message = body["error"]?["message"]?.stringValue ?? ""
                #expect(message.contains("/nonexistent/dashboard") && message.contains("--dashboard-dir"), "\(message)")
            }
        }
    }

    /// `--dashboard-dir`: the folder is read again on each request, so an edit shows on the next reload.
    @Test func aGivenFolderIsReadAgainOnEachRequest() async throws {
        let folder = NSTemporaryDirectory() + "dashboard-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try "<p>one</p>".write(toFile: folder + "/index.html", atomically: true, encoding: .utf8)
        let routes = DashboardRoutes(assets: .load(from: [folder]), rereads: true)
        try await Self.app(routes).test(.router) { client in
            let first = try await client.execute(uri: "/", method: .get) { String(buffer: $0.body) }
            try "<p>two</p>".write(toFile: folder + "/index.html", atomically: true, encoding: .utf8)
            let second = try await client.execute(uri: "/", method: .get) { String(buffer: $0.body) }
            #expect(first == "<p>one</p>" && second == "<p>two</p>")
        }
    }
}
