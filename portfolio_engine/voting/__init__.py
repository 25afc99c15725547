"""Resident votes: the pabulib format, project rules (greedy, Method of Equal Shares) and split-ballot rules."""
