"""The comparison: python-gsmmodem-new's ``GsmModem.dial()`` answer detection, as a Python
user would write it, run in its own process (like our daemon) against the benchmark's emulator.

For each number: ``dial(number, callStatusUpdateCallbackFunc=cb)``; the callback, on the first
``call.answered == True``, stamps ``time.monotonic()`` and calls ``call.hangup()`` (``ATH``).
That is the same reaction our daemon has with ``calls.hold: 0`` (answer seen -> hang up), so
the benchmark can time both on the emulator's side of the line: answer indication sent ->
hang-up command received.  Prints one JSON object: the callback times and any errors.

Usage: python bench/theirs.py PORT NUMBER [NUMBER...]
"""

from __future__ import annotations

import json
import logging
import sys
import threading
import time


def main(argv: list[str]) -> int:
    from gsmmodem.modem import GsmModem

    logging.basicConfig(level=logging.WARNING)
    port, numbers = argv[0], argv[1:]
    modem = GsmModem(port, 115200)
    modem.connect()
    # Huawei sticks ignore ATH until AT+CVHU=0 (harmless elsewhere); gsmmodem does not send it.
    modem.write("AT+CVHU=0", parseError=False)
    polling = bool(modem._mustPollCallStatus)
    calls: list[dict] = []
    for number in numbers:
        answered = threading.Event()
        record: dict = {"number": number, "dial": time.monotonic()}

        def on_status(call, record=record, answered=answered) -> None:  # noqa: ANN001
            if call.answered and not answered.is_set():
                record["callback"] = time.monotonic()
                answered.set()
                call.hangup()  # sends ATH; sets answered False (re-enters here, ignored)

        try:
            modem.dial(number, timeout=10, callStatusUpdateCallbackFunc=on_status)
        except Exception as exc:  # noqa: BLE001 - reported, not fatal for the run
            record["error"] = f"dial: {type(exc).__name__}: {exc}"
        else:
            if not answered.wait(10):
                record["error"] = "no answer callback within 10 s"
        calls.append(record)
        # Let gsmmodem see the end (^CEND, or its 0.5 s CLCC poll finding no call) before
        # the next dial, so one call's poll thread cannot mistake the next call for its own.
        time.sleep(0.7 if polling else 0.15)
    modem.close()
    print(json.dumps({"polling": polling, "calls": calls}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
