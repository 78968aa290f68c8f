"""workflow_orchestration."""
