"""SCons script of micro's local PlatformIO platform.

A board is the folder boards/<id>/: board.json (this manifest, plus a "micro" section),
memory.ld (its memory map; INCLUDEs firmware/port/sections.ld) and optional C files
(its console, clocks). Every image gets, as plain objects so the vector table is kept:
firmware/port/startup.c, the port pieces the board lists in micro.port
(firmware/port/<piece>.c) and the board's own C files. The toolchain is whatever
arm-none-eabi-gcc is on PATH (Debian's gcc-arm-none-eabi).
"""

import importlib.util
import os

from SCons.Script import (  # pylint: disable=import-error
    COMMAND_LINE_TARGETS,
    AlwaysBuild,
    Builder,
    Default,
    DefaultEnvironment,
)

env = DefaultEnvironment()
board = env.BoardConfig()
BOARD_DIR = os.path.dirname(os.path.realpath(board.manifest_path))
ROOT = os.path.realpath(os.path.join(env.PioPlatform().get_dir(), "..", ".."))
PORT_DIR = os.path.join(ROOT, "firmware", "port")

env.Replace(
    AR="arm-none-eabi-gcc-ar",
    AS="arm-none-eabi-as",
    CC="arm-none-eabi-gcc",
    CXX="arm-none-eabi-g++",
    GDB="arm-none-eabi-gdb",
    OBJCOPY="arm-none-eabi-objcopy",
    OBJDUMP="arm-none-eabi-objdump",
    RANLIB="arm-none-eabi-gcc-ranlib",
    SIZETOOL="arm-none-eabi-size",
    ARFLAGS=["rc"],
    SIZEPROGREGEXP=r"^(?:\.vectors|\.text|\.rodata|\.data|\.ARM\.exidx)\s+([0-9]+).*",
    SIZEDATAREGEXP=r"^(?:\.data|\.bss|\.stack|\.stack_guard)\s+([0-9]+).*",
    SIZECHECKCMD="$SIZETOOL -A -d $SOURCES",
    SIZEPRINTCMD="$SIZETOOL -B -d $SOURCES",
    PROGNAME="firmware",
    PROGSUFFIX=".elf",
)

cpu_flags = board.get("build.cpu_flags")
env.Append(
    ASFLAGS=cpu_flags,
    CCFLAGS=[
        *cpu_flags,
        "-Os",
        "-g",
        "-Wall",
        "-ffunction-sections",
        "-fdata-sections",
        "-fno-common",
    ],
    CPPDEFINES=[("MICRO_BOARD", f'\\"{board.id}\\"')],
    CPPPATH=[PORT_DIR],
    LINKFLAGS=[
        *cpu_flags,
        "-Os",
        "-nostartfiles",  # firmware/port/startup.c is the startup
        "-Wl,--gc-sections",
        "-Wl,-Map,${BUILD_DIR}/firmware.map",
        "--specs=nano.specs",  # newlib-nano: only memcpy/memset and libgcc are pulled in
        "--specs=nosys.specs",
        f"-Wl,--defsym=__stack_size={int(board.get('micro.stack_size'))}",
    ],
    LIBPATH=[PORT_DIR],
)
env.Replace(LDSCRIPT_PATH=os.path.join(BOARD_DIR, board.get("build.ldscript")))

pieces = ["+<startup.c>", "+<fault.c>", *(f"+<{p}.c>" for p in board.get("micro.port", []))]
env.BuildSources(os.path.join("$BUILD_DIR", "port"), PORT_DIR, src_filter=pieces)
env.BuildSources(os.path.join("$BUILD_DIR", "board"), BOARD_DIR, src_filter="+<*.c>")

env.Append(
    BUILDERS=dict(
        ElfToBin=Builder(
            action=env.VerboseAction("$OBJCOPY -O binary $SOURCES $TARGET", "Building $TARGET"),
            suffix=".bin",
        ),
        ElfToLst=Builder(
            action=env.VerboseAction("$OBJDUMP -d -S $SOURCES > $TARGET", "Disassembling $TARGET"),
            suffix=".lst",
        ),
    )
)

if "nobuild" in COMMAND_LINE_TARGETS:
    target_elf = os.path.join("$BUILD_DIR", "${PROGNAME}.elf")
    target_bin = os.path.join("$BUILD_DIR", "${PROGNAME}.bin")
else:
    target_elf = env.BuildProgram()
    target_bin = env.ElfToBin(os.path.join("$BUILD_DIR", "${PROGNAME}"), target_elf)
    env.Depends(target_bin, "checkprogsize")
    # A board whose boot ROM needs a post-processed image (e.g. the RP2040's boot2
    # checksum and UF2) names a script in its folder: image.py defines finish(env, elf, bin).
    hook = os.path.join(BOARD_DIR, "image.py")
    if os.path.isfile(hook):
        spec = importlib.util.spec_from_file_location(f"micro_board_image_{board.id}", hook)
        image = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(image)
        target_bin = image.finish(env, target_elf, target_bin)

AlwaysBuild(env.Alias("nobuild", target_bin))
env.Alias("buildprog", target_bin, target_bin)

env.AddPlatformTarget(
    "disasm",
    env.ElfToLst(os.path.join("$BUILD_DIR", "${PROGNAME}"), target_elf),
    None,
    "Disassemble firmware.elf",
)
env.AddPlatformTarget(
    "size",
    target_elf,
    env.VerboseAction("$SIZEPRINTCMD", "Calculating size $SOURCE"),
    "Program Size",
    "Calculate program size",
)

# "upload": an emulated board runs the image on qemu-system-arm (output on this terminal,
# the firmware's exit status becomes the command's); a real board runs the board's
# upload.command (upload_command in platformio.ini replaces it, as usual).
machine = board.get("micro.qemu_machine", "")
if machine:
    env.Replace(
        UPLOADCMD=f"timeout --foreground 600 qemu-system-arm -machine {machine} -nographic "
        "-monitor none -serial stdio -semihosting-config enable=on,target=native -kernel $SOURCE"
    )
    upload_source, what = target_elf, f"Running $SOURCE on QEMU {machine}"
else:
    env.Replace(UPLOADCMD=board.get("upload.command", "echo no upload command for this board"))
    upload_source, what = target_bin, "Uploading $SOURCE"
env.AddPlatformTarget("upload", upload_source, [env.VerboseAction("$UPLOADCMD", what)], "Upload")

Default([target_bin])
