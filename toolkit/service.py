"""The process plumbing of the unattended jobs: the log file and console the scheduler and `integrity nightly` write
to, and the stop signals of the scheduler.

The log file (`.integrity/logs/integrity.log`, rotated at about 1 MB, 5 old files) gets every line with its
traceback under it; the console (stderr, journalctl) gets the same lines without tracebacks: the Dutch cause and fix.
"""

from __future__ import annotations

import logging
import signal
import sys
import threading
from logging.handlers import RotatingFileHandler
from pathlib import Path

from toolkit.files import private_dir

LOG_FILENAME = "integrity.log"
LOG_MAX_BYTES = 1_000_000
LOG_BACKUPS = 5
_HANDLER_MARK = "_integrity_toolkit_handler"


def install_signal_handlers(stop: threading.Event, logger: logging.Logger | None = None) -> None:
    """Make SIGTERM and SIGINT set `stop`, so the running job finishes and the loop returns (exit code 0)."""
    log = logger or logging.getLogger(__name__)

    def request_stop() -> None:
        log.info("Stopsignaal ontvangen; de lopende taak wordt afgemaakt, daarna stopt de planner.")
        stop.set()

    def handle(signum: int, frame: object) -> None:
        # Event.set takes a lock the main thread may hold at this very moment (inside stop.wait);
        # setting it from a helper thread cannot deadlock the way setting it in the handler could.
        threading.Thread(target=request_stop, name="planner-stop", daemon=True).start()

    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, handle)


LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
LOG_DATE_FORMAT = "%d-%m-%Y %H:%M:%S"


class LogFile(RotatingFileHandler):
    """The rotating log file; a line that can't be written (disk full, no rights) costs one Dutch notice on stderr
    instead of logging's own traceback, and the run goes on (its report and exit code still tell)."""

    _told = False

    def handleError(self, record: logging.LogRecord) -> None:  # noqa: N802 - logging's name
        if not self._told:
            self._told = True
            error = sys.exc_info()[1]
            sys.stderr.write(f"Let op: het logbestand {self.baseFilename} kan niet worden bijgeschreven ({error}).\n")


class ConsoleFormatter(logging.Formatter):
    """The log line without its traceback: on the console (journalctl) the Dutch cause and fix; the traceback
    stays in the log file, under the same line."""

    def format(self, record: logging.LogRecord) -> str:
        plain = logging.makeLogRecord(record.__dict__)
        plain.exc_info, plain.exc_text, plain.stack_info = None, None, None
        return super().format(plain)


def setup_log(log_dir: Path, verbosity: int, *, quiet: bool = False, console: bool = True) -> logging.Logger:
    """Log the toolkit to a rotating `integrity.log` in `log_dir` and to stderr: INFO by default (start, each run
    and its result, next runs, stop), DEBUG with -v, only warnings and errors with --quiet; `console=False` (a
    command that prints its own report) writes the file only, unless -v."""
    private_dir(log_dir)
    logger = logging.getLogger("toolkit")
    close_log()
    console_level = logging.WARNING if quiet else (logging.INFO if verbosity == 0 else logging.DEBUG)
    file_handler = LogFile(log_dir / LOG_FILENAME, maxBytes=LOG_MAX_BYTES, backupCount=LOG_BACKUPS, encoding="utf-8")
    file_handler.setLevel(min(logging.INFO, console_level))
    file_handler.setFormatter(logging.Formatter(LOG_FORMAT, LOG_DATE_FORMAT))
    handlers: list[logging.Handler] = [file_handler]
    if console or verbosity > 0:
        stream = logging.StreamHandler(sys.stderr)
        stream.setLevel(console_level)
        stream.setFormatter(ConsoleFormatter(LOG_FORMAT, LOG_DATE_FORMAT))
        handlers.append(stream)
    for handler in handlers:
        setattr(handler, _HANDLER_MARK, True)
        logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    return logger


def close_log() -> None:
    """Remove and close the handlers `setup_log` added (a command that set them up ends)."""
    logger = logging.getLogger("toolkit")
    for handler in [h for h in logger.handlers if getattr(h, _HANDLER_MARK, False)]:
        logger.removeHandler(handler)
        handler.close()
