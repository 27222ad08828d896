#!/usr/bin/env bash
# The GPU checks in one go (device time is short): the tests that touch the CUDA path, the
# scorer's throughput, the pipeline on mDC and genome scale. Each step has its own time limit
# and runs even if an earlier one failed. Logs go to $OUT (default benchmarks/_out/gpu).
#   bash benchmarks/gpu_checks.sh        (needs ../shared/data beside the checkout)
set -u
out=${OUT:-benchmarks/_out/gpu}
mkdir -p "$out"
export PYTHONPATH=$PWD PYTHONUNBUFFERED=1
py=${PYTHON:-python3}

step() {
    local name=$1 limit=$2
    shift 2
    echo "== $name (limit ${limit} s)"
    timeout "$limit" "$@" >"$out/$name.log" 2>&1
    echo "rc=$?"
    grep -v "Warning\|warnings.warn" "$out/$name.log" | tail -n 22
}

nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader
"$py" -c "import torch; print('torch', torch.__version__, torch.cuda.get_device_name(0))"
step tests 120 "$py" -m pytest -q -x -p no:cacheprovider tests/test_classify.py \
    tests/test_train.py tests/test_candidates.py tests/test_pipeline.py tests/test_realdata.py
step scoring 90 "$py" benchmarks/bench_scoring.py --pairs 100000 --gpu-copies 100
step pipeline 120 "$py" benchmarks/bench_pipeline.py --network nonspecific --repeats 2
step genome 240 "$py" benchmarks/bench_genome.py --epochs 3 --device cuda
