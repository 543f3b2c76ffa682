/// A failure a user can act on, with the process exit status it maps to.
public struct CommandFailure: Error, Sendable, CustomStringConvertible {
    public enum Status: Int32, Sendable {
        case badInput = 2
        case io = 3
    }

    public var status: Status
    public var message: String

    public static func usage(_ m: String) -> CommandFailure { CommandFailure(status: .badInput, message: m) }
    public static func io(_ m: String) -> CommandFailure { CommandFailure(status: .io, message: m) }

    public var description: String { message }
}
