"""How the book's build and tests launch their local kernels: with transport encryption.

A kernel that talks to its client over TCP without encryption logs a warning at start ("Kernel is running
over TCP without encryption"); ``make book`` starts one kernel per chapter, so the log cried wolf 38 times.
The cause is the plain transport, and jupyter_client can fix it: when a kernelspec declares CurveZMQ support
(ipykernel's does) the manager can give the kernel a key pair. This provisioner asks for exactly that, and is
otherwise jupyter_client's own local provisioner. The Makefile selects it for the kernels it starts
(``JUPYTER_DEFAULT_PROVISIONER_NAME=kx-encrypted-local``); readers' own Jupyter is left as it is.

Not part of the chapters' API: registered as an entry point (``jupyter_client.kernel_provisioners`` in
``pyproject.toml``).
"""

from __future__ import annotations

from typing import Any

import zmq
from jupyter_client.provisioning import LocalProvisioner


class EncryptedLocalProvisioner(LocalProvisioner):  # type: ignore[misc]
    """jupyter_client's local provisioner, with CurveZMQ encryption wherever the kernel supports it."""

    async def pre_launch(self, **kwargs: Any) -> dict[str, Any]:
        if zmq.has("curve"):
            kwargs.setdefault("transport_encryption", "auto")
        return await super().pre_launch(**kwargs)
