#!/usr/bin/env bash
# Install what building and emulating micro's firmware needs, with no access to PlatformIO's
# registry: Debian's arm-none-eabi toolchain and qemu-system-arm, PlatformIO from PyPI, then
# `python -m micro.firmware setup` seeds a project-local PlatformIO core (.pio-core/) and
# builds the instruction-counting QEMU plugin. Idempotent; .ci/run calls it.
#
#   scripts/setup_firmware.sh            # apt (when root and a tool is missing) + pip + seed
#   MICRO_SKIP_APT=1 scripts/setup_firmware.sh
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v arm-none-eabi-gcc >/dev/null || need_apt+=(gcc-arm-none-eabi)
[ -d /usr/lib/arm-none-eabi/newlib ] || need_apt+=(libnewlib-arm-none-eabi)
command -v qemu-system-arm >/dev/null || need_apt+=(qemu-system-arm)
command -v gcc >/dev/null || need_apt+=(gcc libc6-dev)
if [ ${#need_apt[@]} -gt 0 ] && [ "${MICRO_SKIP_APT:-0}" != 1 ]; then
    if [ "$(id -u)" = 0 ]; then
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_apt[@]}"
    else
        echo "setup_firmware: missing ${need_apt[*]}; run: sudo apt-get install ${need_apt[*]}" >&2
        exit 1
    fi
fi

# PlatformIO 6.2.0 pins tool-scons ~4.41101.0, i.e. SCons 4.11.1 (seeded from PyPI below).
python -c "import platformio" 2>/dev/null || python -m pip install -q "platformio==6.2.0"
exec python -m micro.firmware setup
