/// Builds the input of `COPY ... FROM STDIN (FORMAT binary)`: the fastest way to load rows.
///
/// Call `beginRow()` (or `beginRow(columns:)` on a writer made without a column count), then one appender
/// per column in the COPY's column order, and `finish()` after the last row; hand the bytes to
/// `PGSession.copyIn`. Each appender must match its column's type exactly (binary COPY does no casting: an
/// `int64` into an `int4` column is an error). Every row must have as many fields as it announced: counted in
/// every build, and `PGSession` refuses to send rows that are not (`isWellFormed`), since the server would
/// call the bytes bad data and the processor would dead-letter good events for a bug.
///
/// Layout (all integers big-endian): the 11-byte signature `PGCOPY\n\xFF\r\n\0`, flags (int32 0) and
/// header-extension length (int32 0); per row an int16 field count, then per field an int32 byte length
/// (-1 for NULL) and the value in the type's binary send format; finally the trailer int16 -1.
///
/// On the processor's hot path: each appender is one capacity check and a few unaligned stores into a
/// raw buffer (an `[UInt8]` with `append` measured 4-5x slower). Copies share the buffer until one of
/// them writes, like `Array`.
public struct PGBinaryCopyWriter: @unchecked Sendable {
    // @unchecked Sendable: copy-on-write exactly like Array. Writes happen only after
    // `isKnownUniquelyReferenced` proved this copy is the buffer's sole owner, so a buffer reachable from
    // two threads is never written in place.
    @usableFromInline var storage: Storage
    @usableFromInline var rows = 0
    /// Fields still expected in the current row (negative: too many).
    @usableFromInline var fieldsLeftInRow = 0
    /// Rows that ended with more or fewer fields than they announced.
    @usableFromInline var misshapenRows = 0
    /// Fields of every row, for `beginRow()`; nil when each row announces its own.
    public let columns: Int16?
    /// Fields announced by the row being written.
    @usableFromInline var currentRowColumns = 0
    /// What each field of the first row was written as: a writer made for a table is checked against the
    /// table's declared column types before it is sent (`TableWriter`).
    public var firstRowKinds: [FieldKind] { recordedKinds }
    @usableFromInline var recordedKinds: [FieldKind] = []

    /// The binary form a field was written in.
    @frozen public enum FieldKind: UInt8, Sendable, Equatable {
        case null, int16, int32, int64, float4, float8, bool, text, jsonb, bytes, int32Array, int64Array, timestamptz, date, uuid
    }
    /// The trailer has been written: the data is complete until `removeAllRows()`.
    @usableFromInline var isFinished = false

    /// Signature, flags and header extension length.
    public static let header: [UInt8] = Array("PGCOPY\n".utf8) + [0xFF, 0x0D, 0x0A, 0x00] + [0, 0, 0, 0, 0, 0, 0, 0]

    /// Microseconds from 1970-01-01 to 2000-01-01, PostgreSQL's epoch for binary timestamps.
    public static let postgresEpochOffsetMicros: Int64 = 946_684_800_000_000
    /// Days from 1970-01-01 to 2000-01-01, PostgreSQL's epoch for binary dates.
    public static let postgresEpochOffsetDays: Int32 = 10_957

    /// - Parameter capacity: bytes to reserve up front; a good guess avoids regrowing the buffer.
    public init(reservingCapacity capacity: Int = 64 * 1024) {
        columns = nil
        storage = Storage(capacity: max(capacity, Self.header.count + 2))
        storage.append(Self.header)
    }

    /// A writer whose rows all have `columns` fields (`beginRow()`).
    public init(columns: Int16, reservingCapacity capacity: Int = 64 * 1024) {
        self.columns = columns
        storage = Storage(capacity: max(capacity, Self.header.count + 2))
        storage.append(Self.header)
    }

    /// Every row so far has exactly the fields it announced.
    public var isWellFormed: Bool { misshapenRows == 0 && fieldsLeftInRow == 0 }

    /// Rows begun so far.
    public var rowCount: Int { rows }
    /// Bytes written so far (e.g. to decide when to flush a batch).
    public var byteCount: Int { storage.count }

    /// Appends the trailer and returns the finished COPY data.
    public consuming func finish() -> [UInt8] {
        appendTrailer()
        return withUnsafeBytes { Array($0) }
    }

    /// Appends the trailer (once; later calls do nothing); the bytes are then complete for
    /// `withUnsafeBytes`, which does not copy them like `finish` does.
    public mutating func appendTrailer() {
        guard !isFinished else { return }
        reserve(2).storeBytes(of: Int16(-1).bigEndian, as: Int16.self)
        isFinished = true
    }

    /// Starts over with only the header, keeping the allocated buffer for the next batch.
    public mutating func removeAllRows() {
        makeUnique()
        storage.count = Self.header.count
        rows = 0
        fieldsLeftInRow = 0
        misshapenRows = 0
        currentRowColumns = 0
        recordedKinds.removeAll(keepingCapacity: true)
        isFinished = false
    }

    /// The bytes written so far, valid only during `body`.
    public func withUnsafeBytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
        try body(UnsafeRawBufferPointer(start: storage.base, count: storage.count))
    }

    /// Calls `body` with each field of binary COPY data, in order (nil for NULL), skipping the header and
    /// stopping at the trailer: how `PGSession.execute(_:fieldsOf:)` turns rows into statement parameters.
    /// An empty value still gets a pointer (into the buffer), so it is never mistaken for NULL.
    static func forEachField(in bytes: UnsafeRawBufferPointer, _ body: (_ start: UnsafeRawPointer?, _ length: Int) -> Void) {
        guard let base = bytes.baseAddress else { return }
        var offset = header.count
        func read<T: FixedWidthInteger>(_: T.Type) -> T? {
            guard offset + MemoryLayout<T>.size <= bytes.count else { return nil }
            defer { offset += MemoryLayout<T>.size }
            return T(bigEndian: bytes.loadUnaligned(fromByteOffset: offset, as: T.self))
        }
        while let fields = read(Int16.self), fields >= 0 {
            for _ in 0..<fields {
                guard let length = read(Int32.self) else { return }
                guard length >= 0 else {
                    body(nil, 0)
                    continue
                }
                precondition(offset + Int(length) <= bytes.count, "binary COPY data ends inside a field")
                body(base + offset, Int(length))
                offset += Int(length)
            }
        }
    }

    // MARK: - Rows and fields

    /// Starts a row of the writer's `columns` fields.
    @inlinable
    public mutating func beginRow() {
        precondition(columns != nil, "beginRow() on a writer made without a column count: use beginRow(columns:)")
        beginRow(columns: columns!)
    }

    @inlinable
    public mutating func beginRow(columns: Int16) {
        if fieldsLeftInRow != 0 { misshapenRows &+= 1 }
        assert(!isFinished, "rows added after the trailer: call removeAllRows() first")
        fieldsLeftInRow = Int(columns)
        currentRowColumns = Int(columns)
        rows += 1
        reserve(2).storeBytes(of: columns.bigEndian, as: Int16.self)
    }

    @inlinable
    public mutating func null() {
        _ = field(length: -1, total: 4)
        noteKind(.null)
    }

    @inlinable
    public mutating func int16(_ value: Int16) {
        field(length: 2, total: 6).storeBytes(of: value.bigEndian, toByteOffset: 4, as: Int16.self)
        noteKind(.int16)
    }

    @inlinable
    public mutating func int32(_ value: Int32) {
        field(length: 4, total: 8).storeBytes(of: value.bigEndian, toByteOffset: 4, as: Int32.self)
        noteKind(.int32)
    }

    @inlinable
    public mutating func int64(_ value: Int64) {
        field(length: 8, total: 12).storeBytes(of: value.bigEndian, toByteOffset: 4, as: Int64.self)
        noteKind(.int64)
    }

    @inlinable
    public mutating func float4(_ value: Float) {
        field(length: 4, total: 8).storeBytes(of: value.bitPattern.bigEndian, toByteOffset: 4, as: UInt32.self)
        noteKind(.float4)
    }

    @inlinable
    public mutating func float8(_ value: Double) {
        field(length: 8, total: 12).storeBytes(of: value.bitPattern.bigEndian, toByteOffset: 4, as: UInt64.self)
        noteKind(.float8)
    }

    @inlinable
    public mutating func bool(_ value: Bool) {
        field(length: 1, total: 5).storeBytes(of: value ? 1 : 0, toByteOffset: 4, as: UInt8.self)
        noteKind(.bool)
    }

    /// For `text` and `varchar` columns (and `json`, whose binary form is its text).
    @inlinable
    public mutating func text(_ value: String) {
        var value = value
        value.withUTF8 { bytes(UnsafeRawBufferPointer($0)) }
        noteKind(.text)
    }

    /// A `jsonb` column: binary format version 1, then the JSON text.
    @inlinable
    public mutating func jsonb(_ json: String) {
        var json = json
        json.withUTF8 { utf8 in
            let start = field(length: Int32(utf8.count + 1), total: 5 + utf8.count)
            start.storeBytes(of: 1, toByteOffset: 4, as: UInt8.self)
            if let source = utf8.baseAddress { (start + 5).copyMemory(from: source, byteCount: utf8.count) }
        }
        noteKind(.jsonb)
    }

    /// A `bytea` column.
    @inlinable
    public mutating func bytea(_ value: [UInt8]) {
        value.withUnsafeBytes { bytes($0) }
    }

    /// Any column from its binary send format, e.g. `bytea`, or `text` already in UTF-8.
    @inlinable
    public mutating func bytes(_ value: UnsafeRawBufferPointer) {
        let start = field(length: Int32(value.count), total: 4 + value.count)
        if let source = value.baseAddress { (start + 4).copyMemory(from: source, byteCount: value.count) }
        noteKind(.bytes)
    }

    /// A one-dimensional `integer[]` column (no NULL elements; each value must fit in 32 bits).
    public mutating func int32Array<C: Collection>(_ values: C) where C.Element: BinaryInteger {
        integerArray(values, as: Int32.self, elementOID: 23)
        noteKind(.int32Array)
    }

    /// A one-dimensional `bigint[]` column (no NULL elements).
    public mutating func int64Array<C: Collection>(_ values: C) where C.Element: BinaryInteger {
        integerArray(values, as: Int64.self, elementOID: 20)
        noteKind(.int64Array)
    }

    mutating func integerArray<C: Collection, T: FixedWidthInteger>(_ values: C, as _: T.Type, elementOID: UInt32)
    where C.Element: BinaryInteger {
        let size = MemoryLayout<T>.size
        array(elementOID: elementOID, elementSize: size, count: values.count) { p in
            var offset = 0
            for v in values {
                p.storeBytes(of: Int32(size).bigEndian, toByteOffset: offset, as: Int32.self)
                p.storeBytes(of: T(v).bigEndian, toByteOffset: offset + 4, as: T.self)
                offset += 4 + size
            }
        }
    }

    /// Array send format: dimensions, has-nulls flag, element type; per dimension its length and lower
    /// bound (1); then each element as a length and its bytes. An empty array has no dimensions.
    mutating func array(
        elementOID: UInt32, elementSize: Int, count: Int, elements: (UnsafeMutableRawPointer) -> Void
    ) {
        let headerSize = count == 0 ? 12 : 20
        let length = headerSize + count * (4 + elementSize)
        let start = field(length: Int32(length), total: 4 + length)
        start.storeBytes(of: Int32(count == 0 ? 0 : 1).bigEndian, toByteOffset: 4, as: Int32.self)
        start.storeBytes(of: Int32(0).bigEndian, toByteOffset: 8, as: Int32.self)
        start.storeBytes(of: elementOID.bigEndian, toByteOffset: 12, as: UInt32.self)
        guard count > 0 else { return }
        start.storeBytes(of: Int32(count).bigEndian, toByteOffset: 16, as: Int32.self)
        start.storeBytes(of: Int32(1).bigEndian, toByteOffset: 20, as: Int32.self)
        elements(start + 4 + headerSize)
    }

    /// A `timestamptz` (or `timestamp`) column. `Int64.max` / `Int64.min` are `±infinity`; values
    /// outside PostgreSQL's range are rejected by the server.
    @inlinable
    public mutating func timestamptz(microsecondsSinceUnixEpoch micros: Int64) {
        // PostgreSQL encodes ±infinity as the extreme Int64 values themselves.
        let value = micros == .max || micros == .min ? micros : micros &- Self.postgresEpochOffsetMicros
        int64(value)
        noteKind(.timestamptz)
    }

    /// A `date` column.
    @inlinable
    public mutating func date(daysSinceUnixEpoch days: Int32) {
        int32(days == .max || days == .min ? days : days &- Self.postgresEpochOffsetDays)
        noteKind(.date)
    }

    /// A `uuid` column from its 128 bits, most significant first.
    @inlinable
    public mutating func uuid(high: UInt64, low: UInt64) {
        let start = field(length: 16, total: 20)
        start.storeBytes(of: high.bigEndian, toByteOffset: 4, as: UInt64.self)
        start.storeBytes(of: low.bigEndian, toByteOffset: 12, as: UInt64.self)
        noteKind(.uuid)
    }

    /// A `uuid` column from its 16 bytes in the usual order.
    @inlinable
    public mutating func uuid(bytes value: [UInt8]) {
        precondition(value.count == 16, "a uuid has 16 bytes, got \(value.count)")
        bytea(value)
        noteKind(.uuid)
    }

    // MARK: - Raw bytes

    /// Records the first row's field kinds (one compare per field after that row). Appenders built on others
    /// (`text` on `bytes`, `timestamptz` on `int64`) note their own kind over the inner one's.
    @inlinable
    mutating func noteKind(_ kind: FieldKind) {
        guard rows == 1 else { return }
        let index = currentRowColumns - fieldsLeftInRow - 1
        if index == recordedKinds.count {
            recordedKinds.append(kind)
        } else if index >= 0, index < recordedKinds.count {
            recordedKinds[index] = kind
        }
    }

    /// Reserves a whole field (`total` bytes), writes its length word and returns where it starts.
    @inlinable
    mutating func field(length: Int32, total: Int) -> UnsafeMutableRawPointer {
        fieldsLeftInRow &-= 1
        let start = reserve(total)
        start.storeBytes(of: length.bigEndian, as: Int32.self)
        return start
    }

    /// Grows the written region by `count` bytes and returns its old end, where they go.
    @inlinable
    mutating func reserve(_ count: Int) -> UnsafeMutableRawPointer {
        makeUnique()
        let storage = self.storage
        let end = storage.count
        if end + count > storage.capacity { storage.grow(toAtLeast: end + count) }
        storage.count = end + count
        return storage.base + end
    }

    @inlinable
    mutating func makeUnique() {
        if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
    }

    /// The growing byte buffer.
    @usableFromInline
    final class Storage {
        // Unchecked exclusivity: these are touched once or twice per field, and dynamic checks measured
        // 3x slower. Access is already exclusive: only the sole owner (see makeUnique) writes.
        @exclusivity(unchecked) @usableFromInline var base: UnsafeMutableRawPointer
        @exclusivity(unchecked) @usableFromInline var count = 0
        @exclusivity(unchecked) @usableFromInline var capacity: Int

        @usableFromInline
        init(capacity: Int) {
            base = .allocate(byteCount: capacity, alignment: 16)
            self.capacity = capacity
        }

        deinit { base.deallocate() }

        func append(_ bytes: [UInt8]) {
            bytes.withUnsafeBytes { source in
                if count + source.count > capacity { grow(toAtLeast: count + source.count) }
                if let from = source.baseAddress { (base + count).copyMemory(from: from, byteCount: source.count) }
                count += source.count
            }
        }

        /// Kept out of line: rare, and it would bloat every inlined appender.
        @usableFromInline @inline(never)
        func grow(toAtLeast needed: Int) {
            let newCapacity = max(needed, capacity * 2)
            let newBase = UnsafeMutableRawPointer.allocate(byteCount: newCapacity, alignment: 16)
            newBase.copyMemory(from: base, byteCount: count)
            base.deallocate()
            base = newBase
            capacity = newCapacity
        }

        @usableFromInline
        func copy() -> Storage {
            let clone = Storage(capacity: capacity)
            clone.base.copyMemory(from: base, byteCount: count)
            clone.count = count
            return clone
        }
    }
}
