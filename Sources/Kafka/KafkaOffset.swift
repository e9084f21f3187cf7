/// librdkafka's logical offsets, for start offsets returned by a `KafkaRebalanceListener` and for `seek`.
public enum KafkaOffset {
    /// The oldest available message.
    public static let beginning: Int64 = -2
    /// The next message to be produced (skip everything there is).
    public static let end: Int64 = -1
    /// The group's committed offset; `auto.offset.reset` applies when there is none.
    public static let stored: Int64 = -1000
    /// "No offset given": librdkafka then uses the committed offset, like `stored`.
    public static let invalid: Int64 = -1001
}
