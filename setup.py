"""Puts sql/, migrations/ and dashboard/ into the wheel, as jobsapi/server/data/, so that
`jobsapi migrate` and `jobsapi up` work from the wheel alone (the server
extra). An editable install reads the checkout's own (jobsapi/server/paths.py).
Everything else is in pyproject.toml."""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent


class BuildWithSql(build_py):
    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        target = Path(self.build_lib) / "jobsapi" / "server" / "data"
        for name in ("sql", "migrations", "dashboard"):
            shutil.copytree(HERE / name, target / name, dirs_exist_ok=True)


setup(cmdclass={"build_py": BuildWithSql})
