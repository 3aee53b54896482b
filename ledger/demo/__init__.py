"""The synthetic demo 演示数据: a realistic, deterministic history of the programme, recorded
through the same application commands officers use (``fupin demo``)."""

from ledger.demo.generator import CACHE_ENV, DemoResult, run_demo

__all__ = ["CACHE_ENV", "DemoResult", "run_demo"]
