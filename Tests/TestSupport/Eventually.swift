/// Checks `condition` every `interval` until it holds or `timeout` passes; returns whether it held.
///
/// Tests wait on conditions, never on a stopwatch: with the whole suite running on two cores a test's task
/// (and a server it started) can wait seconds for a thread. A kill test checks often, or a fast processor
/// finishes the whole stream between two looks and the kill lands after the end.
public func eventually(
    timeout: Duration = .seconds(120), every interval: Duration = .milliseconds(50), _ condition: () async throws -> Bool
) async throws -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try await Task.sleep(for: interval)
    }
    return try await condition()
}
