import Events
import Postgres
import Projections

/// The model registry table (`turnstile_models`): every trained model with its metrics and bytes, at most one
/// active per kind. Statuses change here only; the table's trigger NOTIFYs the channel named after the table,
/// so processors and query services load a newly activated model without a restart.
public struct ModelRegistry: Sendable {
    public let table: String

    public init(table: String = RuntimeTables().models) { self.table = table }

    /// The LISTEN channel of changes (the table's unqualified name).
    public var channel: String { RuntimeTables.unqualified(table) }

    private static let summaryColumns = """
        version, kind, status, created_at, activated_at, train_from, train_to, holdout_from, holdout_to, seed, features,
        metrics::text, training_seconds
        """

    /// Stores a new model as a candidate; returns its version (the next number).
    public func register(_ m: RegisteredModel, session: PGSession) throws -> Int {
        let r = try session.execute(
            """
            INSERT INTO \(table) (version, kind, status, train_from, train_to, holdout_from, holdout_to, seed, features,
                                  metrics, training_seconds, model)
            SELECT coalesce(max(version), 0) + 1, $1, 'candidate', $2, $3, $4, $5, $6, $7, $8::jsonb, $9, $10 FROM \(table)
            RETURNING version
            """,
            [.text(m.kind), .timestamp(m.trainFrom.microseconds), .timestamp(m.trainTo.microseconds),
             .timestamp(m.holdoutFrom.microseconds), .timestamp(m.holdoutTo.microseconds), .int(Int64(bitPattern: m.seed)),
             .textArray(m.features), .json(String(decoding: m.metrics, as: UTF8.self)), .double(m.trainingSeconds),
             .bytea(m.model)])
        guard let version = try r.int(0, 0) else { throw PGError(kind: .misuse, message: "INSERT returned no version") }
        return Int(version)
    }

    /// Every model of `kind` (all kinds when nil), newest first, without their bytes.
    public func list(kind: String? = nil, session: PGSession) throws -> [RegisteredModel] {
        let r = try session.execute(
            "SELECT \(Self.summaryColumns) FROM \(table) WHERE $1::text IS NULL OR kind = $1 ORDER BY version DESC",
            [kind.map(PGValue.text) ?? .null])
        return try (0..<r.rowCount).map { i throws(PGError) in try Self.model(r, i, bytes: false) }
    }

    /// One model, with its bytes.
    public func find(_ version: Int, session: PGSession) throws -> RegisteredModel? {
        let r = try session.execute("SELECT \(Self.summaryColumns), model FROM \(table) WHERE version = $1", [.int(Int64(version))])
        return r.rowCount == 0 ? nil : try Self.model(r, 0, bytes: true)
    }

    /// The active model of `kind` and the one active before it (the fallback chain's first two links), with bytes.
    public func served(kind: String, session: PGSession) throws -> (active: RegisteredModel?, previous: RegisteredModel?) {
        let r = try session.execute(
            """
            (SELECT \(Self.summaryColumns), model FROM \(table) WHERE kind = $1 AND status = 'active')
            UNION ALL
            (SELECT \(Self.summaryColumns), model FROM \(table)
              WHERE kind = $1 AND status = 'retired' AND activated_at IS NOT NULL ORDER BY activated_at DESC LIMIT 1)
            """, [.text(kind)])
        let models = try (0..<r.rowCount).map { i throws(PGError) in try Self.model(r, i, bytes: true) }
        return (models.first { $0.status == .active }, models.first { $0.status == .retired })
    }

    /// Makes `version` the active model of its kind (the active one, if any, retires) in one transaction.
    public func activate(_ version: Int, session: PGSession) throws {
        try session.transaction { s in
            let r = try s.execute("SELECT kind, status FROM \(table) WHERE version = $1 FOR UPDATE", [.int(Int64(version))])
            guard r.rowCount == 1, let kind = r.string(0, 0) else {
                throw PGError(kind: .misuse, message: "model \(version) does not exist")
            }
            _ = try s.execute(
                "UPDATE \(table) SET status = 'retired' WHERE kind = $1 AND status = 'active' AND version <> $2",
                [.text(kind), .int(Int64(version))])
            _ = try s.execute(
                "UPDATE \(table) SET status = 'active', activated_at = now() WHERE version = $1 AND status <> 'active'",
                [.int(Int64(version))])
        }
    }

    /// Retires `version` (an active model's kind is then served by the fallback chain until another activation).
    public func retire(_ version: Int, session: PGSession) throws {
        let r = try session.execute(
            "UPDATE \(table) SET status = 'retired' WHERE version = $1 AND status <> 'retired' RETURNING version", [.int(Int64(version))])
        if r.rowCount == 0, try find(version, session: session) == nil {
            throw PGError(kind: .misuse, message: "model \(version) does not exist")
        }
    }

    private static func model(_ r: PGResult, _ i: Int, bytes: Bool) throws(PGError) -> RegisteredModel {
        func time(_ c: Int) throws(PGError) -> Timestamp { Timestamp(microseconds: try r.timestamp(i, c) ?? 0) }
        return RegisteredModel(
            version: Int(try r.int(i, 0) ?? 0), kind: r.string(i, 1) ?? "",
            status: RegisteredModel.Status(rawValue: r.string(i, 2) ?? "") ?? .candidate, createdAt: try time(3),
            activatedAt: try r.timestamp(i, 4).map(Timestamp.init(microseconds:)), trainFrom: try time(5), trainTo: try time(6),
            holdoutFrom: try time(7), holdoutTo: try time(8), seed: UInt64(bitPattern: try r.int(i, 9) ?? 0),
            features: (try r.textArray(i, 10) ?? []).compactMap { $0 }, metrics: Array((r.string(i, 11) ?? "{}").utf8),
            trainingSeconds: try r.double(i, 12) ?? 0, model: bytes ? try r.bytes(i, 13) ?? [] : [])
    }
}
