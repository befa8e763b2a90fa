"""RP2040 image: firmware.uf2 (for the boot ROM's USB drive, or picotool) from firmware.bin
with boot2's CRC in bytes 252..255; firmware.elf/.bin lack that CRC, so flash the UF2.
Loaded by firmware/platform/builder/main.py."""

import struct

UF2_MAGIC = (0x0A324655, 0x9E5D5157, 0x0AB16F30)
UF2_FLAG_FAMILY = 0x00002000
RP2040_FAMILY = 0xE48BFF56
FLASH_BASE = 0x10000000


def boot2_crc(data):
    """CRC-32/MPEG-2 (poly 0x04C11DB7, init all ones, no reflection, no final xor)."""
    crc = 0xFFFFFFFF
    for byte in data:
        crc ^= byte << 24
        for _ in range(8):
            crc = ((crc << 1) ^ 0x04C11DB7) if crc & 0x80000000 else (crc << 1)
            crc &= 0xFFFFFFFF
    return crc


def uf2(image, base):
    blocks = [image[i : i + 256] for i in range(0, len(image), 256)]
    out = bytearray()
    for n, chunk in enumerate(blocks):
        out += struct.pack(
            "<8I",
            UF2_MAGIC[0],
            UF2_MAGIC[1],
            UF2_FLAG_FAMILY,
            base + 256 * n,
            256,
            n,
            len(blocks),
            RP2040_FAMILY,
        )
        out += chunk.ljust(476, b"\0") + struct.pack("<I", UF2_MAGIC[2])
    return bytes(out)


def _finish(target, source, env):
    with open(str(source[0]), "rb") as f:
        image = bytearray(f.read())
    struct.pack_into("<I", image, 252, boot2_crc(image[:252]))
    with open(str(target[0]), "wb") as f:
        f.write(uf2(bytes(image), FLASH_BASE))


def finish(env, elf, binary):
    return env.Command(
        "$BUILD_DIR/${PROGNAME}.uf2", binary, env.VerboseAction(_finish, "Building $TARGET")
    )
