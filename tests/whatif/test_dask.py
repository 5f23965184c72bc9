"""The same sweep on a Dask cluster: a real scheduler and worker processes on loopback."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from click.testing import CliRunner
from test_sweep_batched import INSPECTION, INSPECTION_GRID

import incentives as inc
from incentives.cli import main
from incentives.whatif import _parallel, grid, latin_hypercube, sweep

distributed = pytest.importorskip("distributed")

EXAMPLE = "examples/growing_company.yaml"


@pytest.fixture(scope="module")
def cluster() -> Iterator[object]:
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
    ) as local:
        yield local


def test_dask_run_equals_local_run(cluster: object) -> None:
    org = inc.load_model(EXAMPLE)
    points = latin_hypercube({"customers_per_deal": (10, 600), "bonus.support.reopened_tickets": (-0.5, 0)}, 60, rng=5)
    local = sweep(org, points, progress=False)
    with distributed.Client(cluster) as client:
        remote = sweep(org, points, executor=client, chunk_size=16, progress=False)
    assert remote.ran_on == "Client"
    assert remote.records == local.records


def test_dask_run_of_a_grid_with_mixed_equilibria_equals_one_process(cluster: object) -> None:
    org = inc.loads_model(INSPECTION)
    local = sweep(org, grid(INSPECTION_GRID), workers=1, progress=False)
    with distributed.Client(cluster) as client:
        remote = sweep(org, grid(INSPECTION_GRID), executor=client, progress=False)
    assert remote.ran_on == "Client" and len(remote) >= 200
    assert remote.records == local.records


def test_cli_sweep_on_a_scheduler(cluster: object, tmp_path: Path) -> None:
    out = tmp_path / "results.csv"
    args = ["sweep", EXAMPLE, "-p", "customers_per_deal=10:500:12", "--table", str(out), "--no-progress"]
    result = CliRunner().invoke(main, [*args, "--scheduler", cluster.scheduler_address])  # type: ignore[attr-defined]
    assert result.exit_code == 0, result.output
    assert "Client" in result.stdout
    local = CliRunner().invoke(main, [*args[:-3], "--table", str(tmp_path / "local.csv"), "--no-progress"])
    assert local.exit_code == 0, local.output
    assert out.read_text() == (tmp_path / "local.csv").read_text()


def _messages(org: inc.Organization, points: Any, cluster: object, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The sweep on the cluster, and its messages to the scheduler: each the number of points of each of its tasks.

    A ``Client.map`` call is one message; a ``Client.submit`` call is one message of one task.
    """
    messages: list[list[int]] = []
    with distributed.Client(cluster) as client:
        real_map, real_submit = client.map, client.submit

        def mapped(function: Any, *iterables: Any, **options: Any) -> Any:
            messages.append([len(values) for values in iterables[2]])
            return real_map(function, *iterables, **options)

        def submitted(function: Any, *args: Any, **options: Any) -> Any:
            messages.append([len(args[2])])
            return real_submit(function, *args, **options)

        monkeypatch.setattr(client, "map", mapped)
        monkeypatch.setattr(client, "submit", submitted)
        return sweep(org, points, executor=client, progress=False), messages


def test_a_dask_client_gets_every_task_of_a_sweep_in_one_message(
    cluster: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Client.submit would send the second task 10 ms after the first (its messages are batched); map sends both.

    The 9,000 points make two tasks of 4,500, each run in two chunks in its worker.
    """
    org = inc.load_model(EXAMPLE)
    points = grid(
        {"customers_per_deal": np.linspace(10, 600, 90), "bonus.support.reopened_tickets": np.linspace(-0.5, 0, 100)}
    )
    remote, messages = _messages(org, points, cluster, monkeypatch)
    assert messages == [[4500, 4500]]
    assert remote.records == sweep(org, points, workers=1, progress=False).records


def test_a_sweep_whose_points_would_make_a_large_message_sends_a_task_a_message(
    cluster: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Above DASK_MESSAGE_BYTES of points (Dask warns of a message over 10 MB), each task goes in its own message."""
    org = inc.load_model(EXAMPLE)
    points = grid({"customers_per_deal": np.linspace(10, 600, 30), "bonus.support.reopened_tickets": [-0.5, 0]})
    monkeypatch.setattr(_parallel, "DASK_MESSAGE_BYTES", points.values.nbytes)  # the model's bytes come on top
    remote, messages = _messages(org, points, cluster, monkeypatch)
    assert messages == [[30], [30]]
    assert remote.records == sweep(org, points, workers=1, progress=False).records
