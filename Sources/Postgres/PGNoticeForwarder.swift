import CLibPQ
import Logging

/// Sends server notices (`NOTICE: relation exists, skipping`, `WARNING: ...`) to the session's logger
/// instead of libpq's default, which prints them to stderr.
final class PGNoticeForwarder {
    let logger: Logger

    init(logger: Logger) { self.logger = logger }

    /// The connection must not outlive `self`: the session keeps the forwarder and calls `PQfinish` first.
    func install(on connection: OpaquePointer) {
        let context = Unmanaged.passUnretained(self).toOpaque()
        _ = PQsetNoticeReceiver(
            connection,
            { context, result in
                guard let context, let result else { return }
                Unmanaged<PGNoticeForwarder>.fromOpaque(context).takeUnretainedValue().receive(result)
            }, context)
    }

    private func receive(_ result: OpaquePointer) {
        func field(_ code: UInt8) -> String? {
            PQresultErrorField(result, Int32(code)).map { String(cString: $0) }
        }
        let severity = field(UInt8(ascii: "V")) ?? "NOTICE"
        let message = field(UInt8(ascii: "M")) ?? ""
        var metadata: Logger.Metadata = ["pg.severity": "\(severity)"]
        if let code = field(UInt8(ascii: "C")) { metadata["pg.sqlstate"] = "\(code)" }
        if let detail = field(UInt8(ascii: "D")) { metadata["pg.detail"] = "\(detail)" }
        // Only warnings deserve attention; notices are chatter like "already exists, skipping".
        if severity == "WARNING" {
            logger.warning("\(message)", metadata: metadata)
        } else {
            logger.debug("\(message)", metadata: metadata)
        }
    }
}
