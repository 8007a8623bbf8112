# Sourced by the scripts and tests that compare jvit with its Python peers (PyTorch, timm,
# transformers, ONNX Runtime). jvit_peers_python prints the path of a Python that has them,
# installing them into a cache venv from wheels already on this machine (never the network);
# where the wheels are absent it says why on stderr and returns 1.
#
#   JVIT_PEER_WHEELS  folders of wheels, colon-separated (default: the folders these machines carry)
#   JVIT_PEERS_VENV   the venv (default: $XDG_CACHE_HOME/jvit/peers-venv, else ~/.cache/jvit/peers-venv)

JVIT_PEERS_VENV="${JVIT_PEERS_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/jvit/peers-venv}"
JVIT_PEER_WHEELS="${JVIT_PEER_WHEELS:-/opt/pypi/files:/opt/pypi-more/files:/opt/wheels}"
JVIT_PEERS_PACKAGES="timm transformers safetensors onnx onnxruntime onnxscript"
# The wheels carry torch 2.14.1 built for CUDA (the CPU-only 2.13 has no matching torchvision), whose
# pins name wheels absent here (cuda-bindings, triton): torch, torchvision and the CUDA libraries they
# link against go in without dependency resolution, after the rest.
JVIT_PEERS_TORCH="torch==2.14.1 torchvision==0.29.1"
JVIT_PEERS_CUDA_LIBS="nvidia-cublas nvidia-cuda-cupti nvidia-cuda-nvrtc nvidia-cuda-runtime nvidia-cudnn-cu13
    nvidia-cufft nvidia-cufile nvidia-curand nvidia-cusolver nvidia-cusparse nvidia-cusparselt-cu13 nvidia-nccl-cu13
    nvidia-nvjitlink nvidia-nvshmem-cu13 nvidia-nvtx cuda-toolkit cuda-pathfinder"

jvit_peers_ready() { [ -x "$JVIT_PEERS_VENV/bin/python" ] && [ -f "$JVIT_PEERS_VENV/.jvit-complete" ]; }

jvit_peers_python() {
    if jvit_peers_ready; then echo "$JVIT_PEERS_VENV/bin/python"; return 0; fi
    local links=() d py
    IFS=: read -r -a dirs <<<"$JVIT_PEER_WHEELS"
    for d in "${dirs[@]}"; do [ -d "$d" ] && links+=(--find-links "$d"); done
    if [ ${#links[@]} -eq 0 ] || ! ls "${dirs[@]}" 2>/dev/null | grep -q '^torch-2\.14\.1-.*cp311'; then
        echo "jvit: no torch 2.14.1 wheel in $JVIT_PEER_WHEELS, so the PyTorch/ONNX Runtime peers are skipped (set JVIT_PEER_WHEELS to a folder of wheels)" >&2
        return 1
    fi
    py=$(command -v python3.11 || true)
    [ -n "$py" ] || { echo "jvit: the peer wheels are for Python 3.11 and no python3.11 is on PATH, so the peers are skipped" >&2; return 1; }
    echo "jvit: installing PyTorch, timm, transformers and ONNX Runtime from local wheels into $JVIT_PEERS_VENV (a few minutes, once)..." >&2
    local log="$JVIT_PEERS_VENV.log"
    rm -rf "$JVIT_PEERS_VENV" && mkdir -p "$(dirname "$JVIT_PEERS_VENV")" && : >"$log" \
        && "$py" -m venv "$JVIT_PEERS_VENV" >>"$log" 2>&1 \
        && "$JVIT_PEERS_VENV/bin/pip" -q install --no-index "${links[@]}" $JVIT_PEERS_PACKAGES >>"$log" 2>&1 \
        && "$JVIT_PEERS_VENV/bin/pip" -q install --no-index "${links[@]}" --no-deps --force-reinstall \
            $JVIT_PEERS_TORCH $JVIT_PEERS_CUDA_LIBS >>"$log" 2>&1 \
        && "$JVIT_PEERS_VENV/bin/python" -c 'import torch, torchvision, timm, transformers, onnxruntime, onnx, safetensors' >>"$log" 2>&1 \
        || { echo "jvit: installing the peer wheels into $JVIT_PEERS_VENV failed ($log says why), so the peers are skipped" >&2; return 1; }
    touch "$JVIT_PEERS_VENV/.jvit-complete"
    echo "$JVIT_PEERS_VENV/bin/python"
}
