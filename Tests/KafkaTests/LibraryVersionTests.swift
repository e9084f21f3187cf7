import Kafka
import Testing

@Suite struct LibraryVersionTests {
    @Test func formatsVersions() {
        #expect(Kafka.versionString(0x0208_00ff) == "2.8.0")
        #expect(Kafka.versionString(0x0200_02ff) == "2.0.2")
        #expect(Kafka.versionString(0x020a_0103) == "2.10.1-pre3")
    }

    @Test func debianLibraryIsRejectedWithInstructions() {
        do {
            try Kafka.checkVersion(loaded: 0x0200_02ff, header: 0x0208_00ff)
            Issue.record("2.0.2 accepted")
        } catch {
            guard let error = error as? KafkaError, case .libraryTooOld(let loaded, let required) = error else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(loaded == "2.0.2")
            #expect(required == "2.8.0")
            #expect(error.description.contains("Debian"))
            #expect(error.description.contains("source ops/env.sh"))
            #expect(error.isFatal)
        }
    }

    @Test func acceptsSameOrNewerThanHeaders() throws {
        try Kafka.checkVersion(loaded: 0x0208_00ff, header: 0x0208_00ff)
        try Kafka.checkVersion(loaded: 0x020a_00ff, header: 0x0208_00ff)
    }

    @Test func rejectsOlderThanHeadersOrMinimum() {
        #expect(throws: KafkaError.self) { try Kafka.checkVersion(loaded: 0x0208_00ff, header: 0x020a_00ff) }
        #expect(throws: KafkaError.self) { try Kafka.checkVersion(loaded: 0x0207_00ff, header: 0x0207_00ff) }
        #expect(throws: KafkaError.self) { try Kafka.checkVersion(loaded: 0x0208_0001, header: 0x0208_0001) }
    }

    /// The library this test process loaded: fails when LD_LIBRARY_PATH lets Debian's 2.0.2 in.
    @Test func loadedLibraryPassesTheCheck() throws {
        try Kafka.checkLibraryVersion()
        #expect(Kafka.loadedVersion >= Kafka.minimumVersion)
    }
}
