"""Create the project's virtual environment with a working pip.

`python3 -m venv` needs Debian/Ubuntu's separate python3-venv package (ensurepip). A fresh machine
may not have it, and `make run` must work with nothing but Python, git and make; so when ensurepip
is missing the environment is created without pip and pip is installed from its official wheel,
whose SHA-256 is pinned here.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

PIP_WHEEL_URL = (
    "https://files.pythonhosted.org/packages/07/25/ee8c38ae72d66b844ce8eb9711ba905dba21ca1a8a0c960057c41cd23337/"
    "pip-26.3-py3-none-any.whl"
)
PIP_WHEEL_SHA256 = "f3b60b20ffaadd4415ed7957212a38ac63fa4c5fa375bd0f4a797777940fad13"


def _has_pip(python: Path) -> bool:
    return (
        python.exists() and subprocess.run([str(python), "-m", "pip", "--version"], capture_output=True).returncode == 0
    )


def main(target: str) -> int:
    if sys.version_info < (3, 11):  # noqa: UP036 (the system Python may be older than the project needs)
        print(f"Python 3.11 or newer is needed; this is {sys.version.split()[0]}.", file=sys.stderr)
        return 1
    env = Path(target)
    python = env / "bin" / "python"
    if _has_pip(python):
        return 0
    print(f"Creating the virtual environment in {env}/ …")
    if subprocess.run(
        [sys.executable, "-m", "venv", "--clear", str(env)], capture_output=True
    ).returncode == 0 and _has_pip(python):
        return 0
    print("ensurepip is not available (python3-venv is not installed): installing pip from its official wheel.")
    subprocess.run([sys.executable, "-m", "venv", "--clear", "--without-pip", str(env)], check=True)
    with tempfile.TemporaryDirectory() as tmp:
        wheel = Path(tmp) / PIP_WHEEL_URL.rsplit("/", 1)[-1]
        with urllib.request.urlopen(PIP_WHEEL_URL, timeout=120) as response:
            wheel.write_bytes(response.read())
        digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
        if digest != PIP_WHEEL_SHA256:
            print(f"The downloaded pip wheel has SHA-256 {digest}, expected {PIP_WHEEL_SHA256}.", file=sys.stderr)
            return 1
        subprocess.run([str(python), f"{wheel}/pip", "install", "--no-index", "--quiet", str(wheel)], check=True)
    return 0 if _has_pip(python) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else ".venv"))
