#!/usr/bin/env bash
# Runs the scale-out recipes' logic on this machine, with each scheduler's environment
# simulated, and checks that their merged result equals a single-process run bit for bit.
# (Kubernetes and Slurm themselves are not needed: the recipes only read these variables.)
set -euo pipefail
cd "$(dirname "$0")/.."
HOMEWARD=${HOMEWARD:-.build/release/homeward}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
SCENARIO=Scenarios/baseline.json5
REPS=6

"$HOMEWARD" run "$SCENARIO" --replications $REPS --quiet --out "$work/single" > /dev/null

same() {  # same metrics as the single run?
  python3 - "$work/single/summary.json" "$1/summary.json" <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
assert a["metrics"] == b["metrics"] and a["monthly"] == b["monthly"], sys.argv[2] + " differs from the single run"
PY
}

# Kubernetes Indexed Job: JOB_COMPLETION_INDEX per pod, --shard auto/N.
for i in 0 1 2; do
  JOB_COMPLETION_INDEX=$i "$HOMEWARD" run "$SCENARIO" --replications $REPS --shard auto/3 --quiet --out "$work/k8s/shard-$i" > /dev/null
done
"$HOMEWARD" merge "$work"/k8s/shard-* --out "$work/k8s/merged" > /dev/null
same "$work/k8s/merged" && echo "kubernetes recipe: 3 pods merged = single run"

# Slurm array: run the real script with a stub sbatch that records the merge it submits.
mkdir -p "$work/bin"
cat > "$work/bin/sbatch" <<STUB
#!/usr/bin/env bash
# Stub: keep the --wrap command to run after the array, as Slurm's afterok would.
for a in "\$@"; do case "\$a" in --wrap=*) printf '%s\n' "\${a#--wrap=}" > "$work/merge-command";; esac; done
STUB
chmod +x "$work/bin/sbatch"
for i in 1 2 3; do
  PATH="$work/bin:$PATH" SLURM_ARRAY_JOB_ID=42 SLURM_ARRAY_TASK_ID=$i SLURM_ARRAY_TASK_MIN=1 SLURM_ARRAY_TASK_COUNT=3 \
    SCENARIO=$SCENARIO REPLICATIONS=$REPS OUT="$work/slurm" HOMEWARD="$HOMEWARD" bash deploy/slurm/homeward-array.sh > /dev/null
done
bash -c "$(cat "$work/merge-command")" > /dev/null
same "$work/slurm/merged" && echo "slurm recipe: 3 array tasks merged = single run"

# GitHub Actions matrix: HOMEWARD_SHARD_INDEX / HOMEWARD_SHARD_COUNT per job.
for i in 0 1; do
  HOMEWARD_SHARD_INDEX=$i HOMEWARD_SHARD_COUNT=2 "$HOMEWARD" run "$SCENARIO" --replications $REPS --shard auto --quiet --out "$work/gha/shard-$i" > /dev/null
done
"$HOMEWARD" merge "$work"/gha/shard-* --out "$work/gha/merged" > /dev/null
same "$work/gha/merged" && echo "github actions recipe: 2 matrix jobs merged = single run"
