"""A tiny structured logger with a loguru-like API.

Context travels as keyword arguments of the log call (``logger.info("msg", order_id=7)``) or for a
whole block through ``with logger.contextualize(order_id=7):``. ``bind()`` still works but is
deprecated: it builds a new bound logger for every call and hides where the context came from.
"""

from __future__ import annotations

import contextlib
import contextvars
import sys
import warnings
from datetime import datetime, timezone
from typing import Any, Callable, Dict, Iterator, List

Record = Dict[str, Any]
Sink = Callable[[Record], None]

_LEVELS = {"DEBUG": 10, "INFO": 20, "WARNING": 30, "ERROR": 40}
_context: contextvars.ContextVar[Dict[str, Any]] = contextvars.ContextVar("log_context", default={})


def _stderr_sink(record: Record) -> None:
    extra = " ".join(f"{key}={value!r}" for key, value in sorted(record["extra"].items()))
    sys.stderr.write(f"{record['time']:%H:%M:%S} {record['level']:<7} {record['message']} {extra}\n".rstrip() + "\n")


class Logger:
    def __init__(self, extra: Dict[str, Any] | None = None, sinks: List[Sink] | None = None) -> None:
        self._extra = dict(extra or {})
        self._sinks: List[Sink] = sinks if sinks is not None else [_stderr_sink]
        self.level = "INFO"

    def add_sink(self, sink: Sink) -> Callable[[], None]:
        """Send records to ``sink`` too; returns a function that removes it again."""
        self._sinks.append(sink)
        return lambda: self._sinks.remove(sink)

    def bind(self, **extra: Any) -> "Logger":
        warnings.warn(
            # gembatch-ignore: logger-bind (the deprecation message itself)
            "logger.bind() is deprecated; pass context as keyword arguments or use logger.contextualize()",
            DeprecationWarning,
            stacklevel=2,
        )
        bound = Logger({**self._extra, **extra}, self._sinks)
        bound.level = self.level
        return bound

    @contextlib.contextmanager
    def contextualize(self, **extra: Any) -> Iterator[None]:
        token = _context.set({**_context.get(), **extra})
        try:
            yield
        finally:
            _context.reset(token)

    def log(self, level: str, message: str, *args: Any, **extra: Any) -> None:
        if _LEVELS[level] < _LEVELS[self.level]:
            return
        record: Record = {
            "time": datetime.now(timezone.utc),
            "level": level,
            "message": message.format(*args) if args else message,
            "extra": {**_context.get(), **self._extra, **extra},
        }
        for sink in list(self._sinks):
            sink(record)

    def debug(self, message: str, *args: Any, **extra: Any) -> None:
        self.log("DEBUG", message, *args, **extra)

    def info(self, message: str, *args: Any, **extra: Any) -> None:
        self.log("INFO", message, *args, **extra)

    def warning(self, message: str, *args: Any, **extra: Any) -> None:
        self.log("WARNING", message, *args, **extra)

    def error(self, message: str, *args: Any, **extra: Any) -> None:
        self.log("ERROR", message, *args, **extra)


logger = Logger()
