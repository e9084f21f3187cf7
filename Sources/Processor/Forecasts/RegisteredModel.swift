import Events

/// One row of the model registry: a trained model, what it was trained on, how it scored, and its bytes.
public struct RegisteredModel: Sendable, Equatable {
    public enum Status: String, Sendable, CaseIterable {
        /// Trained and stored; not served.
        case candidate
        /// The one served for its kind.
        case active
        /// Served before; kept for the fallback chain and for a rollback.
        case retired
    }

    public var version: Int
    public var kind: String
    public var status: Status
    public var createdAt: Timestamp
    public var activatedAt: Timestamp?
    public var trainFrom: Timestamp
    public var trainTo: Timestamp
    public var holdoutFrom: Timestamp
    public var holdoutTo: Timestamp
    public var seed: UInt64
    public var features: [String]
    /// `WaitModelEvaluation` JSON.
    public var metrics: [UInt8]
    public var trainingSeconds: Double
    /// The model itself (a bundle of LightGBM dumps); empty when listed without it.
    public var model: [UInt8]

    public init(
        version: Int, kind: String, status: Status, createdAt: Timestamp, activatedAt: Timestamp? = nil, trainFrom: Timestamp,
        trainTo: Timestamp, holdoutFrom: Timestamp, holdoutTo: Timestamp, seed: UInt64, features: [String], metrics: [UInt8],
        trainingSeconds: Double, model: [UInt8]
    ) {
        self.version = version
        self.kind = kind
        self.status = status
        self.createdAt = createdAt
        self.activatedAt = activatedAt
        self.trainFrom = trainFrom
        self.trainTo = trainTo
        self.holdoutFrom = holdoutFrom
        self.holdoutTo = holdoutTo
        self.seed = seed
        self.features = features
        self.metrics = metrics
        self.trainingSeconds = trainingSeconds
        self.model = model
    }

    /// The kind of the parks' wait-time models.
    public static let parksWaitTimes = "parks_wait_times"
}
