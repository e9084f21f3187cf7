/// A payload whose members can be written into another object (`AttractionContextUpdated` carries a schedule's
/// or a weather report's members inside its own): it writes the members once, and its own object from them.
public protocol MemberEncodable {
    /// The members, without the braces.
    func encodeMembers(to w: inout JSONWriter)
}

extension EventPayload where Self: MemberEncodable {
    public func encode(to w: inout JSONWriter) {
        w.beginObject()
        encodeMembers(to: &w)
        w.endObject()
    }
}
