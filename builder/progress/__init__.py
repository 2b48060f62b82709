"""`cheatdeck progress`: a learner's Anki reviews joined to the guide (readiness, weak spots, a plan)."""
