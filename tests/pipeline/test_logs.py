"""Log lines are structured: one JSON object with the message and every extra field."""

from __future__ import annotations

import json
import logging

from pipeline.logs import JsonFormatter


def test_extra_fields_become_json_keys() -> None:
    record = logging.makeLogRecord({"name": "pipeline.load", "levelname": "INFO", "msg": "incoming staged",
                                    "run_id": "r1", "documents": 3})
    line = json.loads(JsonFormatter().format(record))
    assert (line["msg"], line["run_id"], line["documents"], line["logger"]) == ("incoming staged", "r1", 3,
                                                                                  "pipeline.load")
