import Synchronization

/// A `TableDirectory` that changes while it is read: the query service's, moved to a projection's new version
/// when it is promoted (by the versions watcher). Reads take a lock for a dictionary lookup.
public final class SharedTableDirectory: TableNaming {
    private let current: Mutex<TableDirectory>

    public init(_ directory: TableDirectory = TableDirectory()) { current = Mutex(directory) }

    public var directory: TableDirectory {
        get { current.withLock { $0 } }
        set { current.withLock { $0 = newValue } }
    }

    public subscript(_ table: TableDefinition) -> String { current.withLock { $0[table] } }

    public func placement(of table: String) -> TablePlacement { current.withLock { $0.placement(of: table) } }
}
