/// The report layer: reading results folders back and writing reports of them.
public enum ReportLayer: ErrorLayer {}

/// A results folder or file a report cannot be made from: the folder or file, the field and
/// the problem (missing, not JSON, not the kind of results expected).
public typealias ReportError = LayerError<ReportLayer>
