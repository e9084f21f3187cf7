import APIDescription
import Events
import Hummingbird
import Kafka
import Logging

/// `POST /v1/events`: raw events as NDJSON (one per line) or a JSON array, validated and produced to Kafka.
///
/// Answers 202 with the accepted count and per-line errors (line numbers from 1; array items count as
/// lines), 400 when nothing was valid, 413 over the size limit, 503 when the broker does not acknowledge.
public struct IngestRoutes: Sendable {
    public let publisher: EventPublisher
    public let maxBodyBytes: Int
    let logger: Logger

    public init(publisher: EventPublisher, maxBodyBytes: Int = 8 << 20, logger: Logger) {
        self.publisher = publisher
        self.maxBodyBytes = maxBodyBytes
        self.logger = logger
    }

    /// `POST /v1/events` as `/openapi.json` describes it.
    public var operations: [APIOperation] { Self.operations(maxBodyBytes: maxBodyBytes) }

    public static func operations(maxBodyBytes: Int) -> [APIOperation] {
        let lineErrors = APISchema.array(.object([("line", .integer(minimum: 1)), ("field", .string), ("message", .string)]))
        var ingest = APIOperation(
            "POST", "/v1/events", id: "ingestEvents",
            summary: "Publishes raw events (NDJSON, one per line, or a JSON array): each valid one to its topic, each invalid one reported by line.",
            tag: "ingest", response: .object([("accepted", .integer(minimum: 1)), ("errors", lineErrors)]), errors: [413, 503])
        ingest.responseStatus = 202
        // Any media type is read the same way: a JSON array of events, or else one event per line.
        ingest.requestBody = (
            "Events: a JSON array of them, or NDJSON (one per line); at most \(maxBodyBytes) bytes. Each is an envelope: type, schema_version, event_time, payload.",
            [("application/json", .array(.map(.any))), ("application/x-ndjson", .string)]
        )
        ingest.otherResponses = [
            (400, .either([
                .object([
                    ("error", .object([("code", .enumeration(["empty", "invalid_events"])), ("message", .string), ("field", .nullable(.string))])),
                    ("accepted", .integer(minimum: 0, maximum: 0)), ("errors", lineErrors),
                ], description: "No event was valid: the first error names its field, every line's error is listed."),
                APIDocument.errorSchema,
            ])),
        ]
        return [ingest]
    }

    public func register<Context: RequestContext>(on router: Router<Context>) {
        router.post("/v1/events") { request, _ -> Response in
            var request = request
            let body: ByteBuffer
            do {
                body = try await request.collectBody(upTo: maxBodyBytes)
            } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
                return Self.error(.contentTooLarge, code: "too_large", message: "request body is larger than \(maxBodyBytes) bytes; split it", field: "body")
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                // The body could not be read as sent: broken framing (a chunked body that is not chunked, a
                // length that does not match). The client's fault, said as such, never a 500.
                return Self.error(.badRequest, code: "malformed_body", message: "the request body could not be read (\(error)); check its Content-Length or Transfer-Encoding", field: "body")
            }
            return await ingest(Array(body.readableBytesView))
        }
    }

    struct LineError {
        var line: Int
        var error: EventValidationError
    }

    /// Validates and publishes one request body; exposed for tests.
    public func ingest(_ bytes: [UInt8]) async -> Response {
        let now = Timestamp.now()
        var errors: [LineError] = []
        var messages: [KafkaOutgoingMessage] = []
        bytes.withUnsafeBufferPointer { buffer in
            let isArray = buffer.first(where: { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }) == UInt8(ascii: "[")
            func accept(_ json: JSONValue, line: Int) {
                do {
                    messages.append(EventPublisher.message(try publisher.router.route(json: json, ingestTime: now)))
                } catch {
                    errors.append(LineError(line: line, error: error))
                }
            }
            if isArray {
                do throws(JSONParseError) {
                    guard case .array(let items) = try JSONParser.parse(buffer) else { return }
                    for (i, item) in items.enumerated() { accept(item, line: i + 1) }
                } catch {
                    errors.append(LineError(line: 1, error: EventValidationError(error)))
                }
            } else {
                for (line, range) in JSONParser.lines(buffer) {
                    do throws(JSONParseError) {
                        accept(try JSONParser.parse(UnsafeBufferPointer(rebasing: buffer[range])), line: line)
                    } catch {
                        errors.append(LineError(line: line, error: EventValidationError(error)))
                    }
                }
            }
        }
        guard !messages.isEmpty else {
            var w = JSONWriter()
            w.beginObject()
            w.key("error")
            w.beginObject()
            w.key("code"); w.string(errors.isEmpty ? "empty" : "invalid_events")
            w.key("message"); w.string(errors.isEmpty ? "the body holds no events" : "no event was valid")
            w.key("field"); w.string(errors.first.map { $0.error.field.isEmpty ? "body" : $0.error.field } ?? "body")
            w.endObject()
            w.key("accepted"); w.int(0)
            writeErrors(errors, to: &w)
            w.endObject()
            return Self.json(.badRequest, w.bytes)
        }
        do {
            _ = try await publisher.publish(routed: messages)
        } catch {
            logger.error("ingest: broker did not acknowledge", metadata: ["error": "\(error)"])
            return Self.error(.serviceUnavailable, code: "unavailable", message: "the broker did not acknowledge the events (\(error)); retry", field: nil)
        }
        var w = JSONWriter()
        w.beginObject()
        w.key("accepted"); w.int(messages.count)
        writeErrors(errors, to: &w)
        w.endObject()
        return Self.json(.accepted, w.bytes)
    }

    private func writeErrors(_ errors: [LineError], to w: inout JSONWriter) {
        w.key("errors")
        w.beginArray()
        for e in errors.prefix(1000) {
            w.beginObject()
            w.key("line"); w.int(e.line)
            w.key("field"); w.string(e.error.field)
            w.key("message"); w.string(e.error.description)
            w.endObject()
        }
        w.endArray()
    }

    static func json(_ status: HTTPResponse.Status, _ bytes: [UInt8]) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    static func error(_ status: HTTPResponse.Status, code: String, message: String, field: String?) -> Response {
        var w = JSONWriter()
        w.beginObject()
        w.key("error")
        w.beginObject()
        w.key("code"); w.string(code)
        w.key("message"); w.string(message)
        w.key("field"); w.optional(field)
        w.endObject()
        w.endObject()
        return json(status, w.bytes)
    }
}
