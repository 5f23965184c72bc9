"""Each extra installs what it promises: every one in a fresh environment of its own, then used.

uv (in the test extra) makes an environment and installs the project with one extra in seconds,
from its cache.  Each check runs what the docs say the extra is for; the base install is checked
too, and must refuse a picture with a message naming the extra to install.  The ``compare``
extra (Gambit and QuantEcon, the benchmarks' peers) builds pygambit from source for minutes and
is left to the benchmarks.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
UV = shutil.which("uv") or str(Path(sys.executable).with_name("uv"))
EXAMPLE = str(ROOT / "examples" / "growing_company.yaml")

pytestmark = pytest.mark.skipif(not Path(UV).exists(), reason="uv (from the test extra) is not installed")

#: What each extra promises, as commands run in an environment that has the project and that extra only.
CHECKS: dict[str, list[list[str]]] = {
    "": [
        ["incentives", "analyze", EXAMPLE],
        ["python", "-c", "import incentives as inc; inc.analyze(inc.load_model(r'" + EXAMPLE + "'))"],
    ],
    "plot": [["incentives", "graph", EXAMPLE, "--plot", "graph.png"]],
    "dataframe": [
        [
            "python",
            "-c",
            "import incentives as inc; from incentives.whatif import sweep; "
            f"t = sweep(inc.load_model(r'{EXAMPLE}'), {{'customers_per_deal': [10, 100]}}, progress=False).table(); "
            "assert type(t).__name__ == 'DataFrame' and len(t) == 2",
        ]
    ],
    "parquet": [["incentives", "sweep", EXAMPLE, "-p", "customers_per_deal=10:100:2", "--table", "t.parquet"]],
    "dask": [
        [
            "python",
            "-c",
            "from dask.distributed import Client, LocalCluster\n"
            "import incentives as inc\nfrom incentives.whatif import sweep\n"
            "with LocalCluster(n_workers=1, processes=False) as c, Client(c) as client:\n"
            f"    r = sweep(inc.load_model(r'{EXAMPLE}'), {{'customers_per_deal': [10, 100]}}, executor=client,"
            " progress=False)\n"
            "assert len(r) == 2",
        ]
    ],
    "workshop": [
        [
            "python",
            "-c",
            "import re, subprocess, urllib.request\n"
            f"server = subprocess.Popen(['incentives', 'workshop', r'{EXAMPLE}', '--no-browser', '--port', '0'],"
            " stdout=subprocess.PIPE, text=True)\n"
            "try:\n"
            "    port = next(m.group(1) for m in map(re.compile(r'localhost:(\\d+)/').search, server.stdout) if m)\n"
            "    page = urllib.request.urlopen(f'http://127.0.0.1:{port}/', timeout=60)\n"
            "    assert 'id=\"controls\"' in page.read().decode()\n"
            "    update = urllib.request.Request(page.url.rstrip('/') + '/update', data=b'', method='POST')\n"
            "    answer = urllib.request.urlopen(update, timeout=120).read().decode()\n"
            "    for _ in range(600):  # progress first on a slow machine: the page asks again, as this does\n"
            "        if 'id=\"gaming\"' in answer:\n"
            "            break\n"
            '        poll = re.search(r\'hx-get="([^"]+)"\', answer).group(1)\n'
            "        answer = urllib.request.urlopen(f'http://127.0.0.1:{port}{poll}', timeout=120).read().decode()\n"
            "    assert 'id=\"gaming\"' in answer, answer\n"
            "finally:\n"
            "    server.terminate()\n"
            "    server.wait(timeout=30)",
        ]
    ],
    "notebook": [
        [
            "jupyter",
            "nbconvert",
            "--to",
            "notebook",
            "--execute",
            str(ROOT / "notebooks" / "thresholds_and_sweeps.ipynb"),
            "--output-dir",
            ".",
        ]
    ],
}


def environment(tmp_path: Path, extra: str) -> Path:
    venv = tmp_path / "venv"
    subprocess.run([UV, "venv", "-q", "--python", sys.executable, str(venv)], check=True)
    target = f"{ROOT}[{extra}]" if extra else str(ROOT)
    env = {**os.environ, "VIRTUAL_ENV": str(venv)}
    subprocess.run([UV, "pip", "install", "-q", "-e", target], check=True, env=env, timeout=900)
    return venv / "bin"


@pytest.mark.parametrize("extra", list(CHECKS), ids=[e or "base" for e in CHECKS])
def test_each_extra_installs_what_it_promises(tmp_path: Path, extra: str) -> None:
    bin_dir = environment(tmp_path, extra)
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "MPLBACKEND": "Agg"}
    env.pop("PYTHONPATH", None)
    for command in CHECKS[extra]:
        done = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, f"{extra or 'base'}: {' '.join(command[:3])}: {done.stderr[-2000:]}"
    if not extra:  # the base install refuses what needs an extra, naming it
        done = subprocess.run(
            ["incentives", "graph", EXAMPLE, "--plot", "g.png"], cwd=tmp_path, env=env, capture_output=True, text=True
        )
        assert done.returncode == 2 and "incentives[plot]" in done.stderr
        done = subprocess.run(
            ["incentives", "workshop", EXAMPLE, "--no-browser"], cwd=tmp_path, env=env, capture_output=True, text=True
        )
        assert done.returncode == 1 and "incentives[workshop]" in done.stderr
