/// A results folder or file a report cannot be made from: the folder or file, the field and
/// the problem (missing, not JSON, not the kind of results expected).
public struct ReportError: HomewardError {
    public var kind: FailureKind
    public var message: String
    public init(kind: FailureKind, message: String) {
        self.kind = kind
        self.message = message
    }
}
