#!/usr/bin/env bash
# Install what building and emulating micro's firmware needs, with no access to PlatformIO's
# registry. Idempotent; .ci/run calls it.
#   1. Debian: arm-none-eabi-gcc + newlib, qemu-system-arm, gcc (when root and one is missing)
#   2. PyPI: platformio; SCons from its wheel, seeded into a project-local PlatformIO core
#      (.pio-core/, or $MICRO_PIO_CORE_DIR) as the "tool-scons" package PlatformIO insists on
#   3. the QEMU instruction-count plugin (firmware/qemu/insncount.c), built with gcc
# Set MICRO_SKIP_APT=1 to skip step 1.
set -euo pipefail
cd "$(dirname "$0")/.."
core=${MICRO_PIO_CORE_DIR:-$PWD/.pio-core}

need=()
command -v arm-none-eabi-gcc >/dev/null || need+=(gcc-arm-none-eabi)
[ -d /usr/lib/arm-none-eabi/newlib ] || need+=(libnewlib-arm-none-eabi)
command -v qemu-system-arm >/dev/null || need+=(qemu-system-arm)
command -v gcc >/dev/null || need+=(gcc libc6-dev)
if [ ${#need[@]} -gt 0 ] && [ "${MICRO_SKIP_APT:-0}" != 1 ]; then
    if [ "$(id -u)" != 0 ]; then
        echo "setup_firmware: missing ${need[*]}; run: sudo apt-get install ${need[*]}" >&2
        exit 1
    fi
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}"
fi

# PlatformIO 6.2.0 requires platformio/tool-scons ~4.41101.0, which is SCons 4.11.1.
python3 -c "import platformio" 2>/dev/null || python3 -m pip install -q "platformio==6.2.0"
scons=$core/packages/tool-scons
if [ ! -f "$scons/.piopm" ]; then
    tmp=$(mktemp -d)
    python3 -m pip download -q --no-deps --only-binary=:all: "scons==4.11.1" -d "$tmp"
    rm -rf "$scons" && mkdir -p "$scons/scons-local"
    python3 -m zipfile -e "$tmp"/scons-4.11.1-*.whl "$scons/scons-local"
    rm -rf "$tmp"
    # PlatformIO runs `python <tool-scons>/scons.py ...`.
    cat > "$scons/scons.py" <<'PY'
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.realpath(__file__)), "scons-local"))
if __name__ == "__main__":
    import SCons.Script

    SCons.Script.main()
PY
    echo '{"name": "tool-scons", "version": "4.41101.0", "system": "*", "license": "MIT", "description": "SCons 4.11.1 from its PyPI wheel"}' > "$scons/package.json"
    # Written by hand: `pio pkg install` would record no owner, and PlatformIO would then
    # not recognise the package as platformio/tool-scons and go to the registry for it.
    echo '{"type": "tool", "name": "tool-scons", "version": "4.41101.0", "spec": {"owner": "platformio", "id": null, "name": "tool-scons", "requirements": "~4.41101.0", "uri": null}}' > "$scons/.piopm"
fi
echo "tool-scons: $scons"

mkdir -p "$core/micro"
gcc -shared -fPIC -O2 -Wall -Wextra -Werror -o "$core/micro/libinsncount.so" firmware/qemu/insncount.c
echo "QEMU instruction-count plugin: $core/micro/libinsncount.so"
