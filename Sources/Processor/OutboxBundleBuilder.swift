import Events
import Kafka
import LZ4
import Projections

extension OutboxBundle {
    /// Frames records into a bundle one at a time (layout: `OutboxBundle`).
    ///
    /// A derived event goes straight from its fields into the frame through one reused JSON writer: a batch
    /// makes thousands of them, and an `OutboxRecord` each (value, key and header arrays, built, copied into
    /// the frame and freed) cost the worker about as much as writing their JSON.
    public struct Builder {
        /// The framed records so far (a version 1 body).
        private(set) var framed: [UInt8] = []
        /// How many records were appended.
        public private(set) var count = 0
        private var json = JSONWriter(capacity: 512)

        /// `capacity`: the records expected, to size the buffer once.
        public init(capacity: Int = 0) {
            framed.reserveCapacity(capacity * 400)
        }

        public var isEmpty: Bool { count == 0 }

        public mutating func append(_ r: OutboxRecord) {
            OutboxBundle.appendShortString(r.topic, to: &framed)
            OutboxBundle.appendOptionalBytes(r.key, to: &framed)
            OutboxBundle.append(UInt32(r.value.count), to: &framed)
            framed.append(contentsOf: r.value)
            OutboxBundle.append(UInt16(r.headers.count), to: &framed)
            for h in r.headers {
                OutboxBundle.appendShortString(h.key, to: &framed)
                OutboxBundle.appendOptionalBytes(h.value, to: &framed)
            }
            if let id = r.eventID { OutboxBundle.appendShortString(id, to: &framed) } else {
                OutboxBundle.append(UInt16.max, to: &framed)
            }
            count += 1
        }

        /// Frames `event` exactly as `append(OutboxRecord(event))` would.
        public mutating func append(_ event: DerivedEvent) {
            OutboxBundle.appendShortString(event.topic, to: &framed)
            OutboxBundle.append(Int32(event.key.utf8.count), to: &framed)
            framed.append(contentsOf: event.key.utf8)
            json.reset()
            event.encode(to: &json)
            json.withUnsafeBytes { value in
                OutboxBundle.append(UInt32(value.count), to: &framed)
                framed.append(contentsOf: value)
            }
            OutboxBundle.append(UInt16(1), to: &framed)
            OutboxBundle.appendShortString(EventEnvelope.typeHeader, to: &framed)
            OutboxBundle.append(Int32(event.type.utf8.count), to: &framed)
            framed.append(contentsOf: event.type.utf8)
            OutboxBundle.appendShortString(event.id, to: &framed)
            count += 1
        }

        /// The bundle as stored: version 2, the frame's length and its LZ4 block.
        public func encoded() -> [UInt8] {
            var out: [UInt8] = [OutboxBundle.compressed]
            out.reserveCapacity(5 + framed.count / 2)
            OutboxBundle.append(UInt32(framed.count), to: &out)
            framed.withUnsafeBytes { LZ4Block.compress($0, appendingTo: &out) }
            return out
        }
    }
}
