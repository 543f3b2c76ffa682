/// One field of a scenario that a planner may edit: where it is, what it means, what values it
/// may take, and what it is now.
///
/// Made by ``ScenarioFieldCatalog`` for a loaded scenario; the form editor of the workbench,
/// the CSV template and ``ScenarioVariant`` all read it.
public struct ScenarioField: Sendable, Equatable {
    /// How fields are grouped for display, in this order.
    public enum Group: String, Sendable, Equatable, CaseIterable {
        case run = "Run"
        case demand = "Demand"
        case services = "Services"
        case working = "Working"
        case schemes = "Schemes"
        case costs = "Costs"
    }

    /// The dotted path in the scenario, as `sweep --vary` spells it (`services.reablement.capacity`).
    public var path: String
    public var group: Group
    /// A short label: "reablement capacity".
    public var label: String
    /// The unit: "clients at a time", "GBP a funded place a day", "" for a switch.
    public var unit: String
    /// What the field means, in one line.
    public var meaning: String
    /// The values the validator accepts.
    public var range: FieldRange
    /// The value in force: a number or `true`/`false`. For a capacity calendar, its base; for an
    /// uncertain value, its nominal value (see `note`); for a field the scenario leaves out, the
    /// value the model uses then (see `isGiven`).
    public var current: JSONValue
    /// Whether the scenario (or a base it extends) gives the field; false when the value in
    /// force is the model's default.
    public var isGiven: Bool
    /// What a planner should know about the current value, or nil: a capacity calendar's
    /// changes (which a new value keeps), an uncertain value's range (which a new value
    /// replaces), a default.
    public var note: String?
    /// The `source` note of the nearest object around the field that has one (the field's own,
    /// for an uncertain value that carries one), or "" when none does.
    public var source: String

    /// The current value as a planner reads it: `230`, `0.85`, `true`.
    public var currentText: String { ScenarioField.text(current) }

    /// A value as a planner reads it: whole numbers without a fraction, switches as true/false.
    public static func text(_ value: JSONValue) -> String {
        switch value {
        case .number(let x): CSV.numberText(x)
        case .bool(let b): b ? "true" : "false"
        case .string(let s): s
        default: value.jsonText()
        }
    }
}
