import Events
import Projections

/// Turns one attraction's stored history into training and holdout rows of `WaitFeatures`, one per horizon,
/// split in time: rows whose moment and target both fall before `split` train, rows from `split` on are held
/// out. The hour-of-week baselines a row sees come from the training period only, as a live processor only
/// knows the past.
public struct WaitTrainingSet: Sendable {
    /// One reading as stored in `wait_times`.
    public struct Observation: Sendable, Equatable {
        public var time: Int64
        public var wait: Int?
        public var status: AttractionStatus
        public init(time: Int64, wait: Int?, status: AttractionStatus) {
            self.time = time
            self.wait = wait
            self.status = status
        }
    }

    /// Which part of the time split a row belongs to.
    public enum Part: Int, Sendable, CaseIterable {
        /// Fits the trees.
        case train
        /// The end of the training period: stops the fit when it no longer improves there.
        case validation
        /// The held-out days every forecaster is measured on.
        case holdout

        public var name: String { ["train", "validation", "holdout"][rawValue] }
    }

    /// A row: which horizon (index into `WaitFeatures.horizons`), its part, its features and the wait that came.
    public struct Row: Sendable {
        public var horizon: Int
        public var part: Part
        public var features: [Double]
        public var target: Double
    }

    public var calendar: ParkCalendar
    public var weather: WeatherHours?
    /// µs: the first instant of the holdout.
    public var split: Int64
    /// µs: the first instant of the validation rows (before `split`); nil: none.
    public var validationFrom: Int64?
    /// Every `stride`-th operating reading becomes a row's moment (5-minute readings, stride 3: every 15 minutes).
    public var stride: Int

    public init(calendar: ParkCalendar, weather: WeatherHours? = nil, split: Int64, validationFrom: Int64? = nil, stride: Int = 3) {
        self.calendar = calendar
        self.weather = weather
        self.split = split
        self.validationFrom = validationFrom.map { min($0, split) }
        self.stride = max(1, stride)
    }

    /// The readings that are waits or stops, in time order, with their hour-of-week slots: readings outside the
    /// park's hours are dropped (zeros re-stamped overnight, CLOSED at closing), and so are repeats of a time.
    public func points(_ observations: [Observation]) -> [WaitFeatures.Point] {
        var points: [WaitFeatures.Point] = []
        points.reserveCapacity(observations.count)
        for o in observations.sorted(by: { $0.time < $1.time }) where points.last?.time != o.time {
            let moment = calendar.moment(at: o.time)
            guard calendar.isWithinHours(moment, time: o.time) else { continue }
            // A CLOSED ride inside the hours (shut for the day) says nothing about queues: not a stop either.
            guard o.status == .operating || o.status == .down else { continue }
            points.append(WaitFeatures.Point(time: o.time, wait: o.wait, operating: o.status.isOpen, slot: moment.hourOfWeek))
        }
        return points
    }

    /// Baselines from the training period's waits.
    public func baselines(_ points: [WaitFeatures.Point]) -> HourOfWeekBaselines {
        var baselines = HourOfWeekBaselines()
        for p in points where p.time < split {
            if let wait = p.openWait, let slot = p.slot, wait <= 600 { _ = baselines.add(wait, slot: slot) }
        }
        return baselines
    }

    /// Every row of one attraction's history, handed to `emit` as it is made (a year of readings makes too many
    /// rows to hold).
    public func rows(_ observations: [Observation], emit: (Row) -> Void) {
        let points = points(observations)
        let baselines = baselines(points)
        let minute: Int64 = 60_000_000
        var windowStart = 0
        var operatingSeen = 0
        for (i, point) in points.enumerated() where point.openWait != nil {
            operatingSeen += 1
            guard operatingSeen % stride == 0 else { continue }
            while points[windowStart].time <= point.time - WaitFeatures.historyWindow { windowStart += 1 }
            let moment = calendar.moment(at: point.time)
            let hours = moment.hours
            // The weather as it was known at the moment: this hour's report, and the forecasts of the next two.
            let weatherNow = weather?.weather(at: point.time, asOf: point.time)
            let ahead = (1...2).map { weather?.weather(at: point.time + Int64($0) * WeatherHours.hour, asOf: point.time)?.precipitationMM }
            let context = WaitFeatures.Context(
                hourOfWeek: moment.hourOfWeek, minute: moment.minute,
                minutesSinceOpen: hours.map { Double(point.time - $0.opens) / Double(minute) },
                minutesToClose: hours.map { Double($0.closes - point.time) / Double(minute) },
                temperatureC: weatherNow?.temperatureC, precipitationMM: weatherNow?.precipitationMM, precipitationAheadMM: ahead)
            let part: Part = point.time >= split ? .holdout : point.time >= (validationFrom ?? split) ? .validation : .train
            // A row must not see the next part through its target.
            let end: Int64? = switch part {
            case .train: validationFrom ?? split
            case .validation: split
            case .holdout: nil
            }
            for (h, horizon) in WaitFeatures.horizons.enumerated() {
                let targetTime = point.time + Int64(horizon) * minute
                if let end, targetTime + 5 * minute >= end { continue }
                guard let target = WaitFeatures.target(in: points[...], after: point.time, horizonMinutes: horizon) else { continue }
                let features = WaitFeatures.row(
                    history: points[windowStart...i], baselines: baselines, context: context, horizonMinutes: horizon)
                emit(Row(horizon: h, part: part, features: features, target: target))
            }
        }
    }
}
