#!/usr/bin/env bash
# Homeward on Slurm: a job array runs one shard per task; a dependent job merges them.
#
#   sbatch deploy/slurm/homeward-array.sh                 # submits the array and the merge
#
# Each task sees SLURM_ARRAY_TASK_ID (and SLURM_ARRAY_TASK_MIN / _COUNT); `--shard auto` reads
# them, so the array's size is the shard count. The merge runs only if every task succeeded
# (afterok), and produces exactly the result of one machine.
#SBATCH --job-name=homeward-shards
#SBATCH --array=0-7
#SBATCH --cpus-per-task=2
#SBATCH --mem=1G
#SBATCH --time=01:00:00
#SBATCH --output=results/slurm-%A_%a.out
set -euo pipefail

SCENARIO=${SCENARIO:-Scenarios/baseline.json5}
REPLICATIONS=${REPLICATIONS:-1000}
OUT=${OUT:-results/slurm-$SLURM_ARRAY_JOB_ID}
HOMEWARD=${HOMEWARD:-.build/release/homeward}

"$HOMEWARD" run "$SCENARIO" --replications "$REPLICATIONS" --shard auto \
  --threads "${SLURM_CPUS_PER_TASK:-1}" --quiet --out "$OUT/shard-$SLURM_ARRAY_TASK_ID"

# The first task submits the merge, to run once the whole array has succeeded.
if [ "$SLURM_ARRAY_TASK_ID" = "${SLURM_ARRAY_TASK_MIN:-0}" ]; then
  sbatch --dependency=afterok:"$SLURM_ARRAY_JOB_ID" --job-name=homeward-merge --output="$OUT/merge.out" \
    --wrap="$HOMEWARD merge $OUT/shard-* --out $OUT/merged"
fi
