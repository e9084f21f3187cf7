import Kafka
import Testing

@Suite(.enabled(if: TestBroker.shouldRun, "needs KAFKA_BROKERS (eval \"$(ops/stack up)\")"))
struct KafkaAdminTests {
    @Test func createDescribeAndRecreate() throws {
        let admin = try KafkaAdmin(config: TestBroker.config(), logger: TestBroker.logger)
        defer { admin.close() }
        let name = TestBroker.uniqueName("admin")
        let missing = TestBroker.uniqueName("absent")

        let created = try admin.createTopics([
            KafkaTopicSpec(name: name, partitions: 3, config: ["retention.ms": "3600000"]),
            KafkaTopicSpec(name: TestBroker.uniqueName("zero"), partitions: 0),
        ])
        #expect(created.count == 2)
        #expect(created.keys.contains(name) && created[name]! == nil)
        #expect(created.values.filter { $0?.name == "INVALID_ARGUMENT" }.count == 1)

        #expect(try admin.describeTopics([name, missing]) == [name: 3])
        #expect(try admin.listTopics().contains(name))

        let again = try admin.createTopics([KafkaTopicSpec(name: name, partitions: 3)])
        let error = try #require(again[name] ?? nil)
        #expect(error.code == .topicAlreadyExists)

        let deleted = try admin.deleteTopics([name])
        #expect(deleted.keys.contains(name))
    }

    @Test func closedAdminRefusesCalls() throws {
        let admin = try KafkaAdmin(config: TestBroker.config(), logger: TestBroker.logger)
        admin.close()
        admin.close()
        #expect(throws: KafkaError.self) { try admin.listTopics() }
    }
}
