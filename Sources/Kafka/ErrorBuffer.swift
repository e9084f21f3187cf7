/// librdkafka reports many errors by writing into a caller-supplied `char errstr[N]`.
enum ErrorBuffer {
    static let size = 512

    /// Runs `body` with a zeroed error buffer; returns its result and the text librdkafka wrote.
    static func with<R>(_ body: (UnsafeMutablePointer<CChar>, Int) throws -> R) rethrows -> (R, String) {
        try withUnsafeTemporaryAllocation(of: CChar.self, capacity: size) { buffer in
            let base = buffer.baseAddress!
            base.initialize(repeating: 0, count: size)
            let result = try body(base, size)
            return (result, String(cString: base))
        }
    }
}
