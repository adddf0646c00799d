"""Saved scenarios: inputs, results and the data they were computed on, in a SQL database."""

from optimizer.scenarios.store import ScenarioRecord, ScenarioStore, StaleScenarioError, default_db_url

__all__ = ["ScenarioRecord", "ScenarioStore", "StaleScenarioError", "default_db_url"]
