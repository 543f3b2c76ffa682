/// A failure to claim or write an output, or to read back a results folder's manifest: the
/// path, then the problem. Bad input when Homeward refuses the output (a symbolic link, a
/// folder in use, a results folder whose files do not match their manifest); I/O when the
/// file system fails.
public struct OutputError: HomewardError {
    public var kind: FailureKind
    public var message: String
    public init(kind: FailureKind, message: String) {
        self.kind = kind
        self.message = message
    }
}
