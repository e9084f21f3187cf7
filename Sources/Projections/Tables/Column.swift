/// One column of a projection table: its name, SQL type, and whether it may hold NULL.
public struct Column: Sendable, Equatable {
    public let name: String
    public let type: SQLType
    public let nullable: Bool

    public init(_ name: String, _ type: SQLType, nullable: Bool = false) {
        self.name = name
        self.type = type
        self.nullable = nullable
    }

    /// A column that may hold NULL.
    public static func optional(_ name: String, _ type: SQLType) -> Column { Column(name, type, nullable: true) }
}
