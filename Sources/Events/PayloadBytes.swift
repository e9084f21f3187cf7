/// The bytes of an envelope's payload object, already checked by `JSONParser`: only the envelope decoder
/// makes one, so payload types reading their fields from it (`EventPayload.init(payloadBytes:)`) need not
/// validate the JSON again. Valid only during that call, like the buffer it wraps.
public struct PayloadBytes {
    let buffer: UnsafeBufferPointer<UInt8>

    init(checked buffer: UnsafeBufferPointer<UInt8>) { self.buffer = buffer }
}
