import Postgres
import Testing

/// What the processor does with a failed batch depends on these: retry it, or isolate and dead-letter the
/// records the database refuses.
@Suite struct PGErrorClassificationTests {
    static func error(_ state: String?, kind: PGError.Kind = .query, broken: Bool = false) -> PGError {
        PGError(kind: kind, message: "m", sqlState: state, connectionBroken: broken)
    }

    @Test(arguments: ["22021", "22003", "22008", "22P05", "23514", "23502", "23505", "54000"])
    func valuesTheDatabaseRefusesAreDataErrors(_ state: String) {
        #expect(Self.error(state).isDataError)
        #expect(!Self.error(state).isTransient)
    }

    @Test(arguments: ["40001", "40P01", "53300", "55P03", "57014", "08006", "57P01"])
    func conflictsAndOutagesAreTransient(_ state: String) {
        #expect(Self.error(state).isTransient)
        #expect(!Self.error(state).isDataError)
    }

    @Test(arguments: ["42P01", "42501", "42703", "XX000", "P0001"])
    func brokenSchemasAndPermissionsAreNeither(_ state: String) {
        // Neither retried in place nor dead-lettered: the worker fails, loudly, and is restarted.
        #expect(!Self.error(state).isDataError)
        #expect(!Self.error(state).isTransient)
    }

    @Test func aLostConnectionIsTransientWhateverItsCode() {
        #expect(Self.error(nil, kind: .connection).isTransient)
        #expect(Self.error("22021", broken: true).isTransient)
        #expect(!Self.error("22021", broken: true).isDataError)
        #expect(!Self.error(nil).isDataError)
    }
}
