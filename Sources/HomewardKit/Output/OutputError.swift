/// The output layer: claiming and writing outputs, and reading back a results folder's manifest.
public enum OutputLayer: ErrorLayer {}

/// A failure to claim or write an output, or to read back a results folder's manifest: the
/// path, then the problem. Bad input when Homeward refuses the output (a symbolic link, a
/// folder in use, a results folder whose files do not match their manifest); I/O when the
/// file system fails.
public typealias OutputError = LayerError<OutputLayer>
