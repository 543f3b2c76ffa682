/// The experiment layer: replications, sweeps, shards and partial results.
public enum ExperimentLayer: ErrorLayer {}

/// A request for an experiment that cannot be met (a `--vary` axis, a `--shard`), or a partial
/// result that cannot be read or merged: the option or file, the field and the problem.
public typealias ExperimentError = LayerError<ExperimentLayer>
