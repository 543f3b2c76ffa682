import HomewardKit

/// Command-line arguments: positional operands and `--name value` / `--flag` options.
public struct Arguments {
    public var positional: [String] = []
    var options: [String: [String]] = [:]
    var flags: Set<String> = []

    /// Parses `args` given which options take a value and which are flags.
    public init(_ args: [String], valued: Set<String>, flags known: Set<String>) throws(CommandFailure) {
        var i = 0
        while i < args.count {
            let a = args[i]
            if a == "--" {
                positional += args[(i + 1)...]
                break
            }
            if a.hasPrefix("--") {
                var name = String(a.dropFirst(2))
                var value: String?
                if let eq = name.firstIndex(of: "=") {
                    value = String(name[name.index(after: eq)...])
                    name = String(name[..<eq])
                }
                if known.contains(name) {
                    if value != nil { throw .usage("option --\(name) takes no value") }
                    flags.insert(name)
                } else if valued.contains(name) {
                    if value == nil {
                        i += 1
                        guard i < args.count else { throw .usage("option --\(name) needs a value") }
                        value = args[i]
                    }
                    options[name, default: []].append(value!)
                } else {
                    let near = Suggestion.closest(to: name, among: Array(valued) + Array(known))
                    throw .usage("unknown option '--\(name)'" + (near.map { "; did you mean '--\($0)'?" } ?? ""))
                }
            } else if a.hasPrefix("-") && a.count > 1 {
                throw .usage("unknown option \(a) (options are spelt --name)")
            } else {
                positional.append(a)
            }
            i += 1
        }
    }

    public func flag(_ name: String) -> Bool { flags.contains(name) }
    public func value(_ name: String) -> String? { options[name]?.last }
    public func values(_ name: String) -> [String] { options[name] ?? [] }

    /// A whole number option within bounds.
    public func integer(_ name: String, min: Int, max: Int) throws(CommandFailure) -> Int? {
        guard let text = value(name) else { return nil }
        guard let n = Int(text), n >= min, n <= max else {
            throw .usage("--\(name) must be a whole number from \(min) to \(max), got '\(text)'")
        }
        return n
    }
}
