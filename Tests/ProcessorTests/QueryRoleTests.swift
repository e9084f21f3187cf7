import Processor
import Testing

/// The read-only role's URL is the writer's with the role as its user: whatever the writer's user, password,
/// port, parameters or socket.
@Suite struct QueryRoleTests {
    @Test func theRoleReplacesTheUserAndDropsThePassword() {
        let role = QueryRole()
        #expect(role.url(from: "postgres://postgres@127.0.0.1:15432/turnstile") == "postgres://turnstile_query@127.0.0.1:15432/turnstile")
        #expect(role.url(from: "postgresql://app:s3cr@t@db.internal:5432/t?sslmode=require")
            == "postgresql://turnstile_query@db.internal:5432/t?sslmode=require")
        #expect(role.url(from: "postgres://db.internal/t") == "postgres://turnstile_query@db.internal/t")
        #expect(role.url(from: "postgres:///t?host=/run/postgresql") == "postgres://turnstile_query@/t?host=/run/postgresql")
        #expect(QueryRole(name: "dash_reader").url(from: "postgres://u@h/d?application_name=a@b") == "postgres://dash_reader@h/d?application_name=a@b")
    }
}
