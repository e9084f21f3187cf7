import APIDescription
import Events
import HTTPTypes
import Hummingbird
import Metrics
import NIOCore
import Synchronization

/// `GET /v1/stream`: Server-Sent Events of the derived topics (each projection declares the ones it streams),
/// filtered by `park`, `session`, `facility` and `types`.
///
/// Every event's id is the client's position in the log (`StreamPosition`): reconnecting with `Last-Event-ID`
/// (browsers send it by themselves) replays from the topics exactly what was missed, no gap and no repeat, or
/// starts with a `reset` event when that is no longer kept. The stream opens with a `ready` event (or `reset`),
/// sends a comment when quiet, and a client too slow to keep up is cut off with a last `dropped` event.
public struct StreamRoutes: Sendable {
    let stream: any LiveStream

    public init(stream: any LiveStream) { self.stream = stream }

    public var operations: [APIOperation] { Self.operations(streamed: stream.streamed, changes: stream.changes) }

    /// Every event type a client may ask for.
    static func types(streamed: [StreamedTopic], changes: [StreamedChange]) -> Set<String> {
        Set(streamed.flatMap(\.eventTypes) + changes.map(\.type))
    }

    /// The stream's description for the topics `streamed` and `changes` (`turnstile openapi` needs no broker).
    public static func operations(streamed: [StreamedTopic], changes: [StreamedChange]) -> [APIOperation] {
        let types = Self.types(streamed: streamed, changes: changes).sorted()
        var op = APIOperation(
            "GET", "/v1/stream", id: "getStream",
            summary: "Live events as Server-Sent Events (text/event-stream): ready or reset first, then each event named by its type with its envelope as data (a projection change: what changed and its href), resumable by Last-Event-ID.",
            tag: "stream",
            parameters: [
                APIParameter("park", in: .query, required: false, schema: .identifier, "Only the parks domain, and its events about this park.", example: "sim-1"),
                APIParameter("session", in: .query, required: false, schema: .identifier, "Only the motorsport domain, and its events about this session.", example: "demo-race"),
                APIParameter("facility", in: .query, required: false, schema: .identifier, "Only the parking domain, and its events about this facility.", example: "garage-1"),
                APIParameter(
                    "types", in: .query, required: false, schema: .string(maxLength: 4_096),
                    "Only these event types, comma-separated: \(types.joined(separator: ", ")).", example: "parks.crowd_level.changed"),
                APIParameter(
                    "last_event_id", in: .query, required: false, schema: .string(maxLength: 4_096),
                    "Resume after this event id, as the Last-Event-ID header does (the header wins)."),
                APIParameter(
                    "Last-Event-ID", in: .header, required: false, schema: .string(maxLength: 4_096),
                    "The id of the last event received: the stream goes on right after it."),
            ],
            response: nil, errors: [400, 503])
        op.responseContentType = "text/event-stream"
        return [op]
    }

    public func add<Context: RequestContext>(to router: Router<Context>) {
        router.get("/v1/stream", use: events)
    }

    /// The filter a request asks for.
    func filter(_ request: Request) throws(QueryError) -> StreamFilter {
        var subjects: [StreamScope: String] = [:]
        for scope in StreamScope.allCases {
            if let id = try IDParameter.query(scope.rawValue, request) { subjects[scope] = id }
        }
        var types: Set<String>?
        if let text = request.uri.queryParameters.get("types") {
            let known = Self.types(streamed: stream.streamed, changes: stream.changes)
            let asked = text.split(separator: ",", omittingEmptySubsequences: false).map { String($0).trimmingSpaces }
            guard !asked.isEmpty, asked.allSatisfy({ !$0.isEmpty }) else {
                throw .invalidParameter("types", "'types' must list event types separated by commas")
            }
            if let unknown = asked.first(where: { !known.contains($0) }) {
                throw .invalidParameter("types", "'types' names '\(unknown)', which the stream does not carry (it carries \(known.sorted().joined(separator: ", ")))")
            }
            types = Set(asked)
        }
        let filter = StreamFilter(subjects: subjects, types: types, available: stream.streamed, changes: stream.changes)
        guard !filter.topics.isEmpty || !filter.changes.isEmpty else {
            throw .invalidParameter("types", "no streamed topic carries these types for the domains asked for (park: parks.*, session: motorsport.*, facility: parking.*)")
        }
        return filter
    }

    @Sendable func events(_ request: Request, context: some RequestContext) async throws -> Response {
        let filter = try filter(request)
        let lastEventID = request.headers[.lastEventID] ?? request.uri.queryParameters.get("last_event_id").map { String($0) }
        let connection = try await stream.connect(filter: filter, lastEventID: lastEventID)
        let (stream, settings) = (self.stream, self.stream.settings)
        let headers: HTTPFields = [
            .contentType: "text/event-stream; charset=utf-8", .cacheControl: "no-store",
            // nginx would otherwise buffer the stream.
            HTTPField.Name("X-Accel-Buffering")!: "no",
        ]
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in
            defer { stream.disconnect(connection.client) }
            let session = StreamSession(connection: connection, settings: settings)
            try await session.run(writer: &writer) { ranges in stream.replay(ranges, filter: connection.client.filter) }
            // The end of the chunked body: the client sees the stream close (and reconnects, to another server).
            try await writer.finish(nil)
        })
    }
}

extension HTTPField.Name {
    static let lastEventID = HTTPField.Name("Last-Event-ID")!
}

extension String {
    fileprivate var trimmingSpaces: String {
        var s = Substring(self)
        while s.first == " " { s.removeFirst() }
        while s.last == " " { s.removeLast() }
        return String(s)
    }
}
