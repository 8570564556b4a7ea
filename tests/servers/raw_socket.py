"""A loopback server that writes raw bytes: each connection answered on its own thread.

For responses httpx's own test servers cannot send (two ``Content-Encoding`` headers, a body
dripped a byte at a time): a subclass writes ``answer(conn)``; ``close()`` stops the accept
loop and joins it. Bound to 127.0.0.1 only.
"""

from __future__ import annotations

import socket
import threading

__all__ = ["RawSocketServer"]


class RawSocketServer:
    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port: int = self.sock.getsockname()[1]
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def answer(self, conn: socket.socket) -> None:
        raise NotImplementedError

    def _serve(self) -> None:
        self.sock.settimeout(0.1)
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            threading.Thread(target=self._answer, args=(conn,), daemon=True).start()

    def _answer(self, conn: socket.socket) -> None:
        try:
            self.answer(conn)
        except OSError:
            pass  # the client hung up (refused the body, timed out)
        finally:
            conn.close()

    def close(self) -> None:
        self.stop.set()
        self.thread.join()
        self.sock.close()
