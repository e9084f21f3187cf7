/// How long a projection keeps the rows of one of its hypertables, declared on its definition: whole chunks
/// whose rows are all older than `keep` before the table's newest row are dropped by the processor's
/// maintenance (`RetentionRunner`, TimescaleDB `drop_chunks`).
///
/// The window counts back from the newest row, not from the wall clock: a rebuild of the same log keeps the
/// same rows whatever day it runs (its checksum stays comparable), and history replayed from an archive is not
/// dropped the moment it lands. On live data the two are the same.
public struct Retention: Sendable, Equatable {
    public let table: TableDefinition
    /// An SQL interval: `400 days`, `7 days`, `12 hours`.
    public let keep: String

    public init(_ table: TableDefinition, keep: String) {
        precondition(table.hypertable != nil, "retention of \(table.name): only hypertables drop whole chunks")
        let parts = keep.split(separator: " ")
        precondition(
            parts.count == 2 && parts[0].allSatisfy(\.isNumber)
                && ["hour", "hours", "day", "days", "week", "weeks", "month", "months", "year", "years"].contains(String(parts[1])),
            "retention of \(table.name): '\(keep)' is not an interval like '400 days'")
        self.table = table
        self.keep = keep
    }

    /// The time column the window is measured on.
    public var timeColumn: String { table.hypertable!.timeColumn }
}
