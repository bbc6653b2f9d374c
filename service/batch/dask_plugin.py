"""The Dask worker plugin that gives each worker the driver's model, loaded once.

The model files travel with the plugin, so workers on other machines need the project's code and
requirements but not its ``models/`` folder, and cannot serve another version than the driver's.
Kept apart from ``service.batch.engines`` so local-engine processes never import ``distributed``.
"""
from __future__ import annotations

import asyncio
from pathlib import Path

from distributed import WorkerPlugin

from service.batch import worker as batch_worker
from service.storage.artifacts import ARTIFACT, CARD
from service.storage.atomic import atomic_directory


class ModelPlugin(WorkerPlugin):
    name = "framing-model"

    def __init__(self, model: batch_worker.ModelRef):
        self.version = model.version
        self.files = {name: (model.directory / name).read_bytes() for name in (CARD, ARTIFACT)}

    async def setup(self, worker) -> None:
        # Off the event loop: a 5 s load would otherwise stall the worker's heartbeats.
        await asyncio.to_thread(self._load, Path(worker.local_directory) / "framing-models" / self.version)

    def _load(self, directory: Path) -> None:
        if not directory.is_dir():
            with atomic_directory(directory) as tmp:
                for name, data in self.files.items():
                    (tmp / name).write_bytes(data)
        batch_worker.load_worker_model(directory)  # checks the artifact against the card's sha256

    def teardown(self, worker) -> None:
        batch_worker.unload_worker_model()
