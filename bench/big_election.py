"""Seeded approval elections of a city's size for the MES benchmark (pabulib text)."""

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
