/// What a failure asks of whoever ran the command: correct the input, or see to the file
/// system. The command line maps each kind to its exit status (bad input 2, I/O 3).
public enum FailureKind: Sendable, Equatable {
    /// Bad input or a request Homeward refuses: a malformed file, a folder in use, an output
    /// that would destroy an input. The message names it.
    case badInput
    /// A file could not be read or written: a full disk, a closed pipe, a folder in the way.
    case io
}

/// An error of one of the library's layers (`OutputError`, `ExperimentError`, `ReportError`)
/// or of the command line: a message that names the file or request, the field and the
/// problem, and its kind.
public protocol HomewardError: Error, Sendable, CustomStringConvertible {
    /// Bad input, or an output or I/O failure.
    var kind: FailureKind { get }
    /// What went wrong, for a person: the file or request first, then the problem.
    var message: String { get }
}

/// A layer that throws errors of its own (`LayerError<Layer>`); the types are never made.
public protocol ErrorLayer: Sendable {}

/// The error of one layer: `OutputError`, `ExperimentError`, `ReportError` are this type for
/// their layer, so that a caller can catch one layer's errors and the message text lives next
/// to the code that raises it.
public struct LayerError<Layer: ErrorLayer>: HomewardError, Equatable {
    public var kind: FailureKind
    public var message: String

    /// A failure of the kind `kind`, described by `message`.
    public init(kind: FailureKind, message: String) {
        self.kind = kind
        self.message = message
    }

    /// The same failure as `other` (its kind and message), raised by this layer.
    public init(_ other: some HomewardError) { self.init(kind: other.kind, message: other.message) }

    /// Bad input, named in `message`.
    public static func badInput(_ message: String) -> Self { Self(kind: .badInput, message: message) }
    /// An output or I/O failure, named in `message`.
    public static func io(_ message: String) -> Self { Self(kind: .io, message: message) }

    public var description: String { message }
}
