"""The `assistant` command: run, parse, say, doctor, bench."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from assistant.settings_loader import ConfigError

_LOGGER = logging.getLogger(__name__)


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if getattr(args, "verbose", False) else logging.INFO,
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    from assistant.models import ModelLoadError, ModelNotFound
    from assistant.wake import WakeWordError

    try:
        return int(args.func(args))
    except ConfigError as err:
        print(f"assistant: configuration error: {err}", file=sys.stderr)
        return 2
    except (ModelNotFound, ModelLoadError, WakeWordError) as err:
        print(f"assistant: {err}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="assistant", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="run the voice assistant daemon")
    _common(run)
    run.add_argument("--input", type=Path, help="a WAV file to use instead of the microphone")
    run.add_argument("--realtime", action="store_true", help="pace --input in real time")
    run.add_argument("--output", type=Path, help="write spoken replies to this WAV file instead of the speaker")
    run.add_argument("--demo", action="store_true",
                     help="force the demo: embedded broker, simulated devices, bundled sample commands")
    run.set_defaults(func=_run)

    parse = sub.add_parser("parse", help="understand text commands; print the MQTT messages they mean")
    _common(parse)
    parse.add_argument("--retained", type=Path,
                       help="JSON Lines of {topic, payload}: retained messages (discovery, states) to load")
    parse.add_argument("--area", help="the area the speaker is in")
    parse.add_argument("--json", action="store_true", help="one JSON object per utterance")
    parse.add_argument("--no-model", action="store_true", help="templates only, no small language model")
    parse.add_argument("text", nargs="*", help="the command; without it, lines from standard input")
    parse.set_defaults(func=_parse)

    say = sub.add_parser("say", help="speak a text with the configured voice")
    _common(say)
    say.add_argument("--output", type=Path, help="write to this WAV file instead of the speaker")
    say.add_argument("text", nargs="+")
    say.set_defaults(func=_say)

    doctor = sub.add_parser("doctor", help="check audio devices, models, broker, discovery and the service")
    _common(doctor)
    doctor.add_argument("--load-models", action="store_true", help="also load every model (slow)")
    doctor.set_defaults(func=_doctor)

    bench = sub.add_parser("bench", help="measure understanding, speed and footprint; prints figures")
    _common(bench)
    bench.add_argument("what", choices=["nlu", "dialogues", "latency", "footprint"], help="which benchmark")
    bench.add_argument("--runs", type=int, default=5, help="repetitions for timing benchmarks")
    bench.add_argument("--no-model", action="store_true", help="nlu, dialogues: templates only")
    bench.add_argument("--limit", type=int, default=0, help="nlu: at most this many sentences per suite")
    bench.set_defaults(func=_bench)
    return parser


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", type=Path, help="config file (default: the embedded defaults)")
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")


def _load(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from assistant.config import load_config

    return load_config(args.config)


def _run(args: argparse.Namespace) -> int:
    from assistant.daemon import run_daemon

    return run_daemon(_load(args), args.config, args.input, args.realtime, args.output, args.demo)


def _parse(args: argparse.Namespace) -> int:
    from assistant.brain import Brain

    config = _load(args)
    brain = Brain.from_config(config, use_model=not args.no_model, persist_timers=False)
    if args.retained:
        brain.load_retained(args.retained)
    brain.prepare_model()
    area = args.area or config.site.area
    conversation = brain.conversation(area)
    retained_states = brain.device_states()

    def emit(text: str) -> None:
        turn = conversation.handle(text)
        if args.json:
            print(json.dumps(turn.as_json(), ensure_ascii=False), flush=True)
        else:
            intent = turn.intent.name if turn.intent else "-"
            print(f"{text!r} -> {intent} {turn.intent.slots if turn.intent else {}}", flush=True)
            for action in turn.actions:
                print(f"  publish {action.topic} {action.payload}", flush=True)
            print(f"  reply: {turn.reply}", flush=True)

    if args.text:
        emit(" ".join(args.text))
        return 0
    for line in sys.stdin:
        line = line.rstrip("\n")
        if not line.strip():
            # A new conversation in the same house: forget the last one, and what it assumed.
            conversation.reset()
            brain.restore_device_states(retained_states)
            continue
        emit(line)
    return 0


def _say(args: argparse.Namespace) -> int:
    from assistant.daemon import speak_once

    return speak_once(_load(args), " ".join(args.text), args.output)


def _doctor(args: argparse.Namespace) -> int:
    from assistant.doctor import run_doctor

    return run_doctor(_load(args), load_models=args.load_models)


def _bench(args: argparse.Namespace) -> int:
    from assistant.benchmarks import run_benchmark

    return run_benchmark(args.what, _load(args), args)


if __name__ == "__main__":
    sys.exit(main())
