"""A city's vote for the benchmarks: seeded approval elections (pabulib text) for MES, and 100,000 stored split ballots
with the way results read and counted them before issue 14 (the baseline of the counting figures)."""

import numpy as np


def pabulib_text(projects: int, voters: int, budget: int, seed: int = 11) -> str:
    rng = np.random.default_rng(seed)
    costs = (rng.lognormal(np.log(budget / projects * 1.6), 0.8, projects) // 100 * 100 + 100).astype(int)
    popularity = rng.dirichlet(np.full(projects, 0.6))
    lines = ["META", "key;value", "description;generated benchmark", "vote_type;approval", f"budget;{budget}",
             f"num_projects;{projects}", f"num_votes;{voters}", "PROJECTS", "project_id;cost"]
    lines += [f"{100 + p};{c}" for p, c in enumerate(costs)]
    lines += ["VOTES", "voter_id;vote"]
    for v in range(voters):
        size = int(rng.integers(1, 12))
        chosen = rng.choice(projects, size=min(size, projects), replace=False, p=popularity)
        lines.append(f"{v};{','.join(str(100 + int(p)) for p in sorted(chosen))}")
    return "\n".join(lines) + "\n"


def store_split_ballots(vote, catalog, ballots: int, seed: int = 5) -> None:
    """Store `ballots` current split ballots of an open vote straight into its table with their numeric copies, in one transaction
    (bench only: fast, and without their audit entries, so `results` would withhold the count; the read and count paths do not check)."""
    from portfolio_engine import storage
    from portfolio_engine.voting import ballot_amounts, votes

    rng = np.random.default_rng(seed)
    categories = vote.categories(catalog)
    shares = rng.dirichlet(np.ones(len(categories)), ballots) * (rng.random((ballots, len(categories))) < 0.7)
    shares[shares.sum(axis=1) == 0, 0] = 1.0
    points = np.round(100 * shares / shares.sum(axis=1, keepdims=True), 6)
    rows = [votes._ballot_row(vote.id, None, f"bench-receipt-{n}", {"allocations": dict(zip(categories, map(float, row), strict=True))},
                              "", "", "", False) for n, row in enumerate(points)]
    columns = list(rows[0])
    with storage.writing() as db:
        sql = f"INSERT INTO ballots ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})"
        getattr(db, "conn", db).executemany(sql, [[r[c] for c in columns] for r in rows])
        ballot_amounts.backfill(db, vote.id, categories)  # each ballot's numeric copy, as casting writes it


def count_before(vote, catalog, rule: str) -> np.ndarray:
    """How results read and counted a split vote before issue 14: every stored row as a dictionary, each ballot's JSON
    parsed, the matrix built ballot by ballot, and the moving phantoms' medians found by comparing all n values."""
    import json

    from portfolio_engine import storage
    from portfolio_engine.voting import split_rules

    with storage.reading() as db:
        rows = storage.select(db, "ballots", vote_id=vote.id, current=1)
    ballots = [{**r, "content": json.loads(r["content"])} for r in rows]  # votes.current_ballots
    contents = [b["content"] for b in ballots]
    matrix = np.array([[c["allocations"].get(k, 0.0) for k in vote.categories(catalog)] for c in contents])
    shares = split_rules.normalize(matrix)
    if rule == "mean":
        return split_rules.mean(shares) * vote.budget
    n = shares.shape[0]
    sorted_votes = np.sort(shares.T, axis=1)
    phantom = (lambda t: np.minimum(t * (n - np.arange(n + 1)), 1.0)) if rule == "independent-markets" else \
        (lambda t: np.clip((n + 1) * t - np.arange(n + 1), 0.0, 1.0))

    def medians(t: float) -> np.ndarray:
        phantoms = phantom(t)
        return np.minimum(np.maximum(sorted_votes, phantoms[1:]).min(axis=1), phantoms[0])

    low, high = 0.0, 1.0
    for _ in range(60):
        middle = (low + high) / 2
        low, high = (low, middle) if medians(middle).sum() >= 1.0 else (middle, high)
    found = medians(high)
    return found / found.sum() * vote.budget
