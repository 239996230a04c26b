#!/usr/bin/env bash
# GAN quality, nnlab against its PyTorch peer: both train the default MNIST GAN for the same
# epochs on several seeds, both export 1000 samples, and nnlab's LeNet-5 scores every set the same
# way (inception score: higher is better; Frechet distance of LeNet features: lower is better).
#
#   bench/gan_quality.sh [--seeds N] [--epochs E] [--nnlab CMD]     (defaults: 5 seeds, 3 epochs)
#
# Needs a native build (build/native/nnlab, or --nnlab) and Debian's python3-torch. Prints one line
# per run and the means; writes build/bench/gan_quality.json.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/env.sh"
cd "$NNLAB_ROOT"

seeds=5 epochs=3 nnlab=build/native/nnlab
while (( $# )); do
  case "$1" in
    --seeds) seeds="$2"; shift 2 ;;
    --epochs) epochs="$2"; shift 2 ;;
    --nnlab) nnlab="$2"; shift 2 ;;
    *) nnlab_die "unknown option $1 (see the comment at the top of $0)" ;;
  esac
done
[[ -x "$nnlab" ]] || nnlab_die "$nnlab not found: build it first (cmake --preset native && cmake --build --preset native)"
/usr/bin/python3 -c "import torch" 2>/dev/null || nnlab_die "PyTorch missing: apt-get install python3-torch"

out=build/bench/gan_quality
mkdir -p "$out"
lenet=build/lenet.ckpt
if [[ ! -f "$lenet" ]]; then
  nnlab_log "training the LeNet-5 that scores the samples"
  "$nnlab" lenet --save "$lenet" --json | tail -1
fi

field() { /usr/bin/python3 -c "import json,sys; print(json.loads(sys.stdin.read().strip().splitlines()[-1])['$1'])"; }

rows=()
for ((seed = 0; seed < seeds; seed++)); do
  for who in nnlab pytorch; do
    samples="$out/$who-seed$seed.idx3"
    if [[ $who == nnlab ]]; then
      "$nnlab" gan --epochs "$epochs" --seed "$seed" --lenet "$lenet" --export-samples 1000 "$samples" --json >/dev/null
    else
      /usr/bin/python3 bench/peers/gan.py --epochs "$epochs" --seed "$seed" --export-samples 1000 "$samples" >/dev/null
    fi
    scores=$("$nnlab" gan --score-samples "$samples" --lenet "$lenet" --json)
    is=$(field inception_score <<<"$scores")
    fd=$(field frechet_distance <<<"$scores")
    printf '%-8s seed %d  inception score %6.3f  Frechet distance %7.1f\n' "$who" "$seed" "$is" "$fd"
    rows+=("{\"who\": \"$who\", \"seed\": $seed, \"inception_score\": $is, \"frechet_distance\": $fd}")
  done
done

json="{\"epochs\": $epochs, \"runs\": [$(IFS=,; echo "${rows[*]}")]}"
echo "$json" >build/bench/gan_quality.json
/usr/bin/python3 - "$json" <<'EOF'
import json, statistics, sys
runs = json.loads(sys.argv[1])["runs"]
for who in ("nnlab", "pytorch"):
    mine = [r for r in runs if r["who"] == who]
    IS = [r["inception_score"] for r in mine]
    FD = [r["frechet_distance"] for r in mine]
    spread = lambda v: statistics.stdev(v) if len(v) > 1 else 0.0
    print(f"{who:8s} mean of {len(mine)}: inception score {statistics.mean(IS):.3f} ± {spread(IS):.3f}, "
          f"Frechet distance {statistics.mean(FD):.1f} ± {spread(FD):.1f}")
EOF
