#!/usr/bin/env bash
# Install the assistant as a systemd service on Raspberry Pi OS / Debian. Run as root from the
# repository; running it again is safe (it updates the install and keeps your settings):
#
#   sudo scripts/install-service.sh                       # venv in /opt/assistant/.venv
#   sudo scripts/install-service.sh --prefix /srv/assistant
#
# What it does: a system user `assistant` (group audio, for the microphone), the project and its
# bundled models in $prefix/.venv (through scripts/install.sh), /etc/assistant/config.yaml and
# /etc/assistant/assistant.env (only if absent), the unit in /etc/systemd/system, and then
# `systemctl enable` + (re)start, unless systemd is not running (a container).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
prefix=/opt/assistant
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) prefix="${2:?--prefix needs a directory}"; shift ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    *) echo "install-service.sh: unknown option $1 (use --prefix DIR)" >&2; exit 2 ;;
  esac
  shift
done
case "$prefix" in
  /*) ;;
  *) echo "install-service.sh: --prefix must be an absolute path, got '$prefix'" >&2; exit 2 ;;
esac

if [ "$(id -u)" != 0 ]; then
  echo "install-service.sh: run it as root: sudo $0" >&2
  exit 1
fi
for file in scripts/install.sh config.yaml systemd/assistant.service systemd/assistant.env.example; do
  if [ ! -f "$here/$file" ]; then
    echo "install-service.sh: $here/$file is missing; run this script from a complete checkout" >&2
    exit 1
  fi
done

user=assistant
state_dir=/var/lib/assistant   # the unit's StateDirectory=; also the user's home
config_dir=/etc/assistant
unit_file=/etc/systemd/system/assistant.service

echo "== user '$user' (groups: audio)"
getent group audio >/dev/null || groupadd --system audio
if ! getent passwd "$user" >/dev/null; then
  useradd --system --user-group --groups audio --home-dir "$state_dir" --no-create-home \
    --shell /usr/sbin/nologin --comment "Voice assistant" "$user"
else
  usermod --append --groups audio "$user"
fi

echo "== project and models in $prefix/.venv"
mkdir -p "$prefix"
# The service runs as '$user' with /root and /home hidden (ProtectHome=yes), so the venv must be
# built on an interpreter outside them: the system's, not a pyenv or conda one.
PYTHON="${PYTHON:-/usr/bin/python3}" bash "$here/scripts/install.sh" --prefix "$prefix"
interpreter="$(readlink -f "$prefix/.venv/bin/python")"
case "$interpreter" in
  /root/*|/home/*)
    echo "install-service.sh: $prefix/.venv runs on $interpreter, which the service cannot reach." >&2
    echo "Remove $prefix/.venv and run this again (it uses /usr/bin/python3, or set PYTHON=...)." >&2
    exit 1 ;;
esac
# install.sh installs the project editable (pointing into this checkout). The service cannot see
# a checkout under /home (ProtectHome=yes), so put a copy of the package into the venv instead.
"$prefix/.venv/bin/pip" install --disable-pip-version-check -q --no-deps --force-reinstall "$here"
binary="$prefix/.venv/bin/assistant"
if [ ! -x "$binary" ]; then
  echo "install-service.sh: scripts/install.sh finished but $binary is missing" >&2
  exit 1
fi

echo "== settings in $config_dir"
install -d -m 755 "$config_dir"
if [ -e "$config_dir/config.yaml" ]; then
  echo "keeping the existing $config_dir/config.yaml"
else
  # Readable by the service's group only: it may hold credentials.
  install -m 640 -o root -g "$user" "$here/config.yaml" "$config_dir/config.yaml"
  echo "wrote $config_dir/config.yaml: set mqtt.host and site.area there"
fi
if [ -e "$config_dir/assistant.env" ]; then
  echo "keeping the existing $config_dir/assistant.env"
else
  # Root only: systemd reads it before starting the service as '$user'.
  install -m 600 -o root -g root "$here/systemd/assistant.env.example" "$config_dir/assistant.env"
  echo "wrote $config_dir/assistant.env: put the MQTT password there"
fi

echo "== unit $unit_file"
sed "s#/opt/assistant/.venv/bin/assistant#$binary#" "$here/systemd/assistant.service" > "$unit_file.tmp"
chmod 644 "$unit_file.tmp"
mv "$unit_file.tmp" "$unit_file"

# systemd is PID 1 exactly when /run/systemd/system exists (what sd_booted() checks).
if [ ! -d /run/systemd/system ] || ! command -v systemctl >/dev/null; then
  echo "systemd is not running here (a container?): the unit is installed but not enabled or started."
  echo "On the Raspberry Pi: sudo systemctl daemon-reload && sudo systemctl enable --now assistant"
  exit 0
fi
systemctl daemon-reload
systemctl enable assistant
# restart, not just start: a re-run after an update must load the new code.
if ! systemctl restart assistant; then
  echo "install-service.sh: the service did not start; see why with: journalctl -u assistant -n 50" >&2
  exit 1
fi
echo "Started. Check it with: $binary doctor --config $config_dir/config.yaml"
echo "Logs: journalctl -u assistant -f"
