/// Dotted paths into a scenario's JSON (`services.reablement.capacity`), as `sweep --vary`,
/// the field catalog, variants and validation messages spell them.
///
/// A path is the object keys from the top, joined by `.`; names in a scenario cannot hold a
/// `.` (the reader refuses them, as they become metric keys), so the spelling is unambiguous.
public enum ScenarioPath {
    /// The keys of `path`: `services.reablement.capacity` -> `["services", "reablement", "capacity"]`.
    public static func keys(_ path: String) -> [String] {
        path.split(separator: ".").map(String.init)
    }

    /// The path of `keys`.
    public static func path(_ keys: [String]) -> String { keys.joined(separator: ".") }

    /// The value at `keys` in `root` (object members only), or nil when some key is absent.
    public static func value(at keys: [String], in root: JSONValue) -> JSONValue? {
        var node = root
        for key in keys {
            guard case .object(let o) = node, let child = o[key] else { return nil }
            node = child
        }
        return node
    }

    /// Whether `value` is a capacity calendar (`{base: 40, changes: [...]}`), whose `base` is what
    /// a new capacity replaces (in `sweep --vary` and in a variant): the dated changes stay.
    public static func isCapacityCalendar(_ value: JSONValue?) -> Bool {
        value?.objectValue?["base"] != nil
    }
}
