"""micro's local PlatformIO platform: boards are read from <repo>/boards/<id>/board.json."""

import os

from platformio.platform.board import PlatformBoardConfig
from platformio.public import PlatformBase

BOARDS_DIR = os.path.join(os.path.dirname(os.path.realpath(__file__)), "..", "..", "boards")


class MicrocortexmPlatform(PlatformBase):
    def get_boards(self, id_=None):
        # Boards are folders of data (boards/<id>/board.json), not flat <id>.json files, so
        # fill PlatformIO's cache from them before its own lookup runs.
        for name in sorted(os.listdir(BOARDS_DIR)):
            manifest = os.path.join(BOARDS_DIR, name, "board.json")
            if name not in self._BOARDS_CACHE and os.path.isfile(manifest):
                config = PlatformBoardConfig(manifest)
                config.manifest["platform"] = self.name
                config._id = name  # PlatformIO takes the id from the file name, here "board"
                self._BOARDS_CACHE[name] = config
        return super().get_boards(id_)
