extension ReplicationMetrics {
    /// Lossless JSON form, every metric and series by name:
    /// `{"values": {KEY: x, ...}, "months": [...], "monthly": {KEY: [...]}, "daily": {KEY: [...]}}`.
    ///
    /// Numbers are written in shortest round-trip form; NaN (an undefined ratio) and infinities,
    /// which JSON lacks, as the strings `"NaN"`, `"Infinity"` and `"-Infinity"`.
    public var json: JSONValue {
        func series(_ list: [(key: String, values: [Double])]) -> JSONValue {
            .object(JSONObject(list.map { ($0.key, .array($0.values.map(JSONValue.lossless))) }))
        }
        return .object(
            JSONObject([
                ("values", .object(JSONObject(values.map { ($0.key, JSONValue.lossless($0.value)) }))),
                ("months", .array(monthLabels.map { .string($0) })),
                ("monthly", series(monthly)),
                ("daily", series(daily)),
            ]))
    }

    /// Reads the form ``json`` writes, checking every type.
    ///
    /// - Throws: `MetricsError` naming the member (`values.deaths`, `monthly.nelAdmissions[3]`)
    ///   and the problem: a missing member, a key given twice, a value that is not a number, a
    ///   series whose length is not the number of months.
    public init(json: JSONValue) throws(MetricsError) {
        guard let o = json.objectValue else { throw MetricsError("not an object") }
        guard let valuesObject = o["values"]?.objectValue else {
            throw MetricsError("values: missing or not an object")
        }
        guard let monthItems = o["months"]?.arrayValue else { throw MetricsError("months: missing or not an array") }
        var months: [String] = []
        for (i, item) in monthItems.enumerated() {
            guard let label = item.stringValue else { throw MetricsError("months[\(i)]: not a text") }
            months.append(label)
        }
        var values: [(key: String, value: Double)] = []
        for (key, item) in try Self.members(valuesObject, "values") {
            values.append((key, try Self.number(item, "values.\(key)")))
        }
        let monthly = try Self.series(o["monthly"], "monthly", length: months.count)
        let daily = try Self.series(o["daily"], "daily", length: nil)
        if let first = daily.first, let bad = daily.first(where: { $0.values.count != first.values.count }) {
            throw MetricsError("daily.\(bad.key): \(bad.values.count) days, not \(first.values.count)")
        }
        self.init(values: values, monthLabels: months, monthly: monthly, daily: daily)
    }

    /// The members of `object`, refusing a key given twice.
    static func members(_ object: JSONObject, _ path: String) throws(MetricsError) -> JSONObject {
        if let twice = object.duplicateKeys.first { throw MetricsError("\(path): '\(twice)' given twice") }
        return object
    }

    static func series(_ value: JSONValue?, _ path: String, length: Int?) throws(MetricsError) -> [(
        key: String, values: [Double]
    )] {
        guard let object = value?.objectValue else { throw MetricsError("\(path): missing or not an object") }
        var list: [(key: String, values: [Double])] = []
        for (key, item) in try members(object, path) {
            guard let items = item.arrayValue else { throw MetricsError("\(path).\(key): not an array") }
            if let length, items.count != length {
                throw MetricsError("\(path).\(key): \(items.count) values for \(length) months")
            }
            var xs: [Double] = []
            xs.reserveCapacity(items.count)
            for (i, x) in items.enumerated() { xs.append(try number(x, "\(path).\(key)[\(i)]")) }
            list.append((key, xs))
        }
        return list
    }

    static func number(_ value: JSONValue, _ path: String) throws(MetricsError) -> Double {
        switch value {
        case .number(let x): return x
        case .string("NaN"): return .nan
        case .string("Infinity"): return .infinity
        case .string("-Infinity"): return -.infinity
        default: throw MetricsError("\(path): not a number")
        }
    }
}

extension JSONValue {
    /// A number as JSON without loss: NaN and infinities as `"NaN"`, `"Infinity"`, `"-Infinity"`.
    static func lossless(_ x: Double) -> JSONValue {
        if x.isNaN { return .string("NaN") }
        if x.isInfinite { return .string(x < 0 ? "-Infinity" : "Infinity") }
        return .number(x)
    }
}
