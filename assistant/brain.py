"""The house model and the understanding stack, shared by the daemon, `parse` and the benchmarks.

`Brain` learns devices from MQTT messages (discovery configs and state updates, live or from a
retained-messages file), applies the config's devices and overrides, and builds `Conversation`s
on the template matcher and the small language model.
"""

from __future__ import annotations

import copy
import json
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.config import Config, EntityOverride
from assistant.conversation import Conversation
from assistant.device_state import apply_state
from assistant.discovery import DiscoveryResult, DiscoveryTracker, entities_from_config, parse_discovery
from assistant.nlu.templates import DEFAULT_SENTENCE_DIR, TemplateMatcher
from assistant.registry import Entity, Registry
from assistant.self_entities import MODEL as SELF_MODEL
from assistant.settings_loader import ConfigError
from assistant.timers import Timers

_LOGGER = logging.getLogger(__name__)



@dataclass
class Brain:
    config: Config
    registry: Registry
    matcher: TemplateMatcher
    model: Any
    timers: Timers
    tracker: DiscoveryTracker = field(default_factory=DiscoveryTracker)

    @classmethod
    def from_config(cls, config: Config, use_model: bool = True, persist_timers: bool = True) -> Brain:
        registry = Registry()
        for area, aliases in config.areas.items():
            registry.areas[area] = list(aliases)
        for floor, areas in config.floors.items():
            registry.floors[floor] = list(areas)
        try:
            configured = entities_from_config(list(config.devices), "devices")
        except ValueError as err:
            raise ConfigError(str(err)) from err
        brain = cls(
            config=config,
            registry=registry,
            matcher=TemplateMatcher(registry, language=config.language, sentence_dirs=[DEFAULT_SENTENCE_DIR]),
            model=None,
            timers=Timers(config.state_path() / "timers.json" if persist_timers else None),
        )
        for entity in configured:
            brain._add(entity)
        if use_model and config.llm.enabled:
            from assistant.nlu.slm import SmallModelUnderstander

            brain.model = SmallModelUnderstander(config.llm)
            brain.model.load()
        return brain

    def prepare_model(self) -> None:
        """Build the language model's grammar and evaluate its prompt for the current devices, so
        the first command that needs it does not pay seconds for it. A no-op when unchanged."""
        if self.model is not None:
            started = time.perf_counter()
            self.model.prepare(self.registry)
            _LOGGER.debug("Language model prepared in %.1f s", time.perf_counter() - started)

    def conversation(self, area: str | None) -> Conversation:
        canonical = self.registry.find_area(area) if area else None
        return Conversation(
            self.registry,
            self.matcher,
            self.model,
            self.timers,
            self.config.conversation,
            area=canonical or area,
        )

    def device_states(self) -> dict[str, dict[str, Any]]:
        """A copy of every device's state, to start each conversation of a benchmark or of
        `parse` from the same house (what one command assumed must not leak into the next)."""
        return {entity.unique_id: copy.deepcopy(entity.state) for entity in self.registry}

    def restore_device_states(self, states: dict[str, dict[str, Any]]) -> None:
        for entity in self.registry:
            if entity.unique_id in states:
                entity.state = copy.deepcopy(states[entity.unique_id])

    def load_retained(self, path: Path) -> int:
        """Load JSON Lines of {"topic", "payload"} as retained messages; returns how many applied."""
        applied = 0
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except OSError as err:
            raise ConfigError(f"--retained {path}: {err.strerror}") from err
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
                topic, payload = item["topic"], item["payload"]
            except (ValueError, KeyError, TypeError):
                _LOGGER.warning("%s:%d: not a {\"topic\", \"payload\"} JSON object; skipped", path, number)
                continue
            if not isinstance(payload, str):
                payload = json.dumps(payload) if payload is not None else ""
            applied += self.handle_message(str(topic), payload.encode("utf-8"), retained=True)
        return applied

    def handle_message(self, topic: str, payload: bytes, retained: bool = False) -> bool:
        """Apply one MQTT message (discovery config or device state); True if the house changed."""
        prefix = self.config.mqtt.discovery_prefix
        if topic.startswith(prefix + "/") and topic.endswith("/config"):
            result = parse_discovery(topic, payload, prefix)
            if result is None:
                return False
            kept = tuple(e for e in result.entities if self._customise(e))
            change = self.tracker.apply(DiscoveryResult(result.topic, kept), self.registry)
            return bool(change.announced or change.removed)
        changed = False
        for entity, key in self.registry.state_topics().get(topic, []):
            changed |= apply_state(entity, key, payload)
        return changed

    def _add(self, entity: Entity) -> None:
        if self._customise(entity):
            self.registry.upsert(entity)

    def _customise(self, entity: Entity) -> bool:
        """Apply the config's overrides; False when the entity is not to be exposed.

        Voice assistants' own entities (this one's and other rooms') are never voice targets:
        "mute" or "listen" must not reach another room's assistant by a misheard name.
        """
        device = entity.config.get("device") or {}
        if isinstance(device, dict) and device.get("model") == SELF_MODEL:
            return False
        override = self._override(entity)
        if override is not None:
            if not override.expose:
                return False
            if override.area:
                entity.area = override.area
            if override.name:
                entity.aliases = [entity.name, *entity.aliases]
                entity.name = override.name
            entity.aliases = [*entity.aliases, *override.aliases]
        only = self.config.expose_only
        return not only or entity.entity_id in only or entity.component in only

    def _override(self, entity: Entity) -> EntityOverride | None:
        entities = self.config.entities
        return entities.get(entity.entity_id) or entities.get(entity.unique_id)
