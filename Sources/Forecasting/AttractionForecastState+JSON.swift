import Events
import Projections

/// The state as its table stores it: compact JSON arrays, read back exactly (times in µs).
extension AttractionForecastState {
    public func encode(to w: inout JSONWriter) {
        w.beginObject()
        w.key("time_zone"); w.optional(calendar.timeZone)
        w.key("hours"); w.beginArray()
        for (day, h) in calendar.hours.sorted(by: { $0.key < $1.key }) {
            w.beginArray(); w.int(day); w.int(h.opens); w.int(h.closes); w.endArray()
        }
        w.endArray()
        w.key("weather"); w.beginArray()
        for e in weather.entries {
            w.beginArray(); w.int(e.hourStart); w.int(e.reportedAt); w.optional(e.weather.temperatureC); w.optional(e.weather.precipitationMM)
            w.endArray()
        }
        w.endArray()
        w.key("points"); w.beginArray()
        for p in points {
            w.beginArray(); w.int(p.time); w.optional(p.wait); w.bool(p.operating); w.optional(p.slot); w.endArray()
        }
        w.endArray()
        w.key("baselines"); w.beginArray()
        for slot in 0..<HourOfWeekBaselines.slots {
            guard let h = baselines[slot] else { continue }
            w.beginArray(); w.int(slot)
            w.beginArray(); for v in h.values { w.int(Int64(v)) }; w.endArray()
            w.beginArray(); for c in h.counts { w.int(Int64(c)) }; w.endArray()
            w.endArray()
        }
        w.endArray()
        w.key("last_predicted_at"); w.optional(lastPredictedAt)
        w.key("pending"); w.beginArray()
        for p in pending {
            w.beginArray(); w.int(p.madeAt); w.int(p.horizon); w.int(p.targetTime); w.double(p.predicted); w.string(p.source.rawValue)
            w.optional(p.modelVersion); w.endArray()
        }
        w.endArray()
        w.endObject()
    }

    public init(parkID: String, attractionID: String, json: JSONValue) throws(ModelFormatError) {
        self.init(parkID: parkID, attractionID: attractionID)
        func fail(_ what: String) -> ModelFormatError { ModelFormatError(path: "wait_prediction_state.\(what)", reason: "malformed") }
        func int(_ v: JSONValue?) -> Int64? { v?.int64Value }
        calendar.timeZone = json["time_zone"]?.stringValue
        for h in json["hours"]?.arrayValue ?? [] {
            guard let a = h.arrayValue, a.count == 3, let day = int(a[0]), let opens = int(a[1]), let closes = int(a[2]) else { throw fail("hours") }
            calendar.hours[day] = .init(opens: opens, closes: closes)
        }
        for e in json["weather"]?.arrayValue ?? [] {
            guard let a = e.arrayValue, a.count == 4, let hour = int(a[0]), let at = int(a[1]) else { throw fail("weather") }
            weather.add(hourStart: hour, reportedAt: at, .init(temperatureC: a[2].doubleValue, precipitationMM: a[3].doubleValue))
        }
        for p in json["points"]?.arrayValue ?? [] {
            guard let a = p.arrayValue, a.count == 4, let time = int(a[0]), let operating = a[2].boolValue else { throw fail("points") }
            points.append(.init(time: time, wait: int(a[1]).map(Int.init), operating: operating, slot: int(a[3]).map(Int.init)))
        }
        for b in json["baselines"]?.arrayValue ?? [] {
            guard let a = b.arrayValue, a.count == 3, let slot = int(a[0]), (0..<Int64(HourOfWeekBaselines.slots)).contains(slot),
                  let values = a[1].arrayValue?.compactMap({ $0.int64Value.map(Int32.init(clamping:)) }),
                  let counts = a[2].arrayValue?.compactMap({ $0.int64Value.map(Int32.init(clamping:)) }), values.count == counts.count
            else { throw fail("baselines") }
            baselines[Int(slot)] = WaitHistogram(values: values, counts: counts)
        }
        lastPredictedAt = int(json["last_predicted_at"])
        for p in json["pending"]?.arrayValue ?? [] {
            guard let a = p.arrayValue, a.count == 6, let made = int(a[0]), let horizon = int(a[1]), let target = int(a[2]),
                  let predicted = a[3].doubleValue, let source = a[4].stringValue.flatMap(ForecastSource.init(rawValue:))
            else { throw fail("pending") }
            pending.append(.init(
                madeAt: made, horizon: Int(horizon), targetTime: target, predicted: predicted, source: source, modelVersion: int(a[5]).map(Int.init)))
        }
    }
}
