/// A request for an experiment that cannot be met (a `--vary` axis, a `--shard`), or a partial
/// result that cannot be read or merged: the option or file, the field and the problem.
public struct ExperimentError: HomewardError {
    public var kind: FailureKind
    public var message: String
    public init(kind: FailureKind, message: String) {
        self.kind = kind
        self.message = message
    }
}
