import Events

/// A commentary line as stored: its time and id (those of its derived event) and the line.
public struct CommentaryRow: Sendable, Equatable {
    public var time: Timestamp
    public var id: String
    public var line: CommentaryLine

    public init(time: Timestamp, id: String, line: CommentaryLine) {
        self.time = time
        self.id = id
        self.line = line
    }
}
