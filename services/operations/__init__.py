"""Operator commands over the event log: status, dead letters, replay."""
