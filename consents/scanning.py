"""The virus-scanner hook: ClamAV's INSTREAM command over its unix socket.

On when the setting POLKU_CLAMAV_SOCKET names clamd's socket; off when it is
empty, and then an uploaded scan is stored unscanned and the page says so.
"""

import socket
import struct
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

CHUNK_BYTES = 64 * 1024
TIMEOUT_SECONDS = 60


class ScannerUnavailable(Exception):
    """clamd could not be reached or answered with an error; the file stays in quarantine."""


@dataclass(frozen=True)
class ScanVerdict:
    clean: bool
    detail: str


def scanner_socket() -> str:
    return getattr(settings, "POLKU_CLAMAV_SOCKET", "") or ""


def scanning_enabled() -> bool:
    return bool(scanner_socket())


def scan_file(path: Path, socket_path: str | None = None) -> ScanVerdict:
    """Streams the file to clamd (zINSTREAM) and returns its verdict.

    Raises ScannerUnavailable when the socket cannot be reached, times out,
    or clamd answers with anything but OK or FOUND (e.g. a size limit).
    """
    socket_path = socket_path or scanner_socket()
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
            connection.settimeout(TIMEOUT_SECONDS)
            connection.connect(socket_path)
            connection.sendall(b"zINSTREAM\0")
            with path.open("rb") as stream:
                while chunk := stream.read(CHUNK_BYTES):
                    connection.sendall(struct.pack("!L", len(chunk)) + chunk)
            connection.sendall(struct.pack("!L", 0))
            reply = _read_reply(connection)
    except OSError as error:
        raise ScannerUnavailable(f"clamd unreachable: {error}") from error
    # "stream: OK" or "stream: <signature> FOUND"; anything else is an error.
    answer = reply.removeprefix("stream:").strip()
    if answer == "OK":
        return ScanVerdict(clean=True, detail="OK")
    if answer.endswith(" FOUND"):
        return ScanVerdict(clean=False, detail=answer.removesuffix(" FOUND")[:200])
    raise ScannerUnavailable(f"clamd answered: {reply[:200]}")


def _read_reply(connection: socket.socket) -> str:
    data = b""
    while not data.endswith(b"\0"):
        chunk = connection.recv(4096)
        if not chunk:
            break
        data += chunk
    return data.rstrip(b"\0").decode("utf-8", "replace").strip()
