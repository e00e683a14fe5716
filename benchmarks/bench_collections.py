"""Collections decisioning judged against the simulator's truth, and the optimiser's speed.

    python benchmarks/bench_collections.py           # 20 seeds, 20k-loan books; 100k accounts
    python benchmarks/bench_collections.py --seeds 5 --n-loans 50000 --no-speed
    python benchmarks/bench_collections.py --quick   # 2 seeds, small books; 5k accounts

Per seed (book ``make_microloan_portfolio(n_loans, 24, random_state=seed)``, log
``simulate_collections(book, random_state=seed)``): effects are estimated (doubly robust)
on every month but the last ``EVAL_MONTHS``; each of those months' queues is then planned
at the simulator's monthly capacities by

- the 0.1.0 static ladder (``ladder_actions``: ``prioritise`` order, ladder treatment,
  next milder one when a channel is full);
- ``optimise_actions`` on the estimated recoveries (``EffectEstimates.predict_recovery``);
- the observable oracle: ``optimise_actions`` on the TRUE expected recovery given what the
  lender sees (the hidden type integrated out): the best any policy on these columns can do;
- the clairvoyant oracle: the same with the hidden type known (for scale only);

and every plan is valued by the simulator's TRUE expected net recovery (``true_net``). The
observable oracle's own lift over the ladder is printed beside the optimised plan's: it is
the ceiling of what any policy on the lender's columns can add.
"Uplift" is the net recovery above doing nothing (what collections add; the total also
counts borrowers who pay anyway). Also per seed: the off-policy DR estimate (95% CI) of
the optimised policy on the held-out months' logged rows against its true value, and the
coverage of the 95% CIs of the effect estimates (cure and recovered, by segment).

Speed: ``optimise_actions`` on N accounts x 6 actions (rows resampled from a simulated
queue; capacities binding) against a floor of one ``argmax`` pass over the value matrix and
against HiGHS solving the full LP relaxation (``scipy.optimize.linprog``).

Writes ``benchmarks/results/collections.json``.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from _common import bench_parser, best_of, print_table, save_result, time_best
from overdue_risk.collection import (
    estimate_effects,
    evaluate_policy,
    ladder_actions,
    optimise_actions,
)
from overdue_risk.datasets import make_microloan_portfolio, simulate_collections
from overdue_risk.transitions import cohort_matrix

EVAL_MONTHS = 4
SPEED_ACTIONS = ("none", "sms", "call", "field_visit", "repayment_plan", "legal")


def policy_comparison(seed: int, n_loans: int = 20_000, n_months: int = 24) -> dict[str, Any]:
    """One seed: true net recovery of ladder, optimised and oracle plans; OPE; CI coverage."""
    book = make_microloan_portfolio(n_loans, n_months, random_state=seed)
    sim = simulate_collections(book, random_state=seed)
    lg = sim.logged
    months = np.sort(lg["month"].unique())
    held = lg["month"].isin(months[-EVAL_MONTHS:]).to_numpy()
    train, test = lg.loc[~held].reset_index(drop=True), lg.loc[held].reset_index(drop=True)
    effects = estimate_effects(train, outcome="recovered", segments=(), random_state=seed)
    matrix = cohort_matrix(book.performance)
    cap = dict(sim.capacity)
    totals = dict.fromkeys(["none", "ladder", "optimised", "oracle", "clairvoyant"], 0.0)
    chosen = np.empty(len(test), dtype=object)
    for m in months[-EVAL_MONTHS:]:
        rows = np.flatnonzero(test["month"].to_numpy() == m)
        q = test.iloc[rows]
        bal = q["balance"].to_numpy()
        plans = {
            "ladder": ladder_actions(q, matrix, cap, sim.rules),
            "optimised": optimise_actions(
                q, effects.predict_recovery(q), sim.costs, cap, sim.rules
            ).action,
            "oracle": optimise_actions(
                q, sim.observable_oracle(q) + sim.costs.matrix(bal), sim.costs, cap, sim.rules
            ).action,
            "clairvoyant": optimise_actions(
                q, sim.true_outcomes(q, "recovered"), sim.costs, cap, sim.rules
            ).action,
            "none": np.full(len(q), "none", dtype=object),
        }
        for name, acts in plans.items():
            totals[name] += sim.true_net(q, acts)
        chosen[rows] = plans["optimised"]
    base = totals["none"]
    up = {k: v - base for k, v in totals.items()}
    # off-policy value of the optimised plan on the held-out logged rows
    pv = evaluate_policy(chosen, test, outcome="net", random_state=seed)
    truth_value = sim.true_net(test, chosen) / len(test)
    # effect estimates' coverage of the true segment effects
    cover = {}
    for outcome in ("cured", "recovered"):
        eff = estimate_effects(lg, outcome=outcome, random_state=seed)
        true = eff.aggregate(sim.true_outcomes(lg, outcome))
        ok = np.isfinite(eff.effect)
        hit = (eff.ci_low <= true) & (true <= eff.ci_high)
        cover[outcome] = (int(hit[ok].sum()), int(ok.sum()))
    return {
        "seed": seed,
        "accounts": len(test),
        "total_net": totals,
        "uplift": up,
        "optimised_vs_ladder_total": totals["optimised"] / totals["ladder"] - 1,
        "optimised_vs_ladder_uplift": up["optimised"] / up["ladder"] - 1,
        "optimised_share_of_oracle_uplift": up["optimised"] / up["oracle"],
        "optimised_share_of_oracle_total": totals["optimised"] / totals["oracle"],
        "oracle_vs_ladder_total": totals["oracle"] / totals["ladder"] - 1,
        "oracle_vs_ladder_uplift": up["oracle"] / up["ladder"] - 1,
        "ope_value": pv.value,
        "ope_ci": [pv.ci_low, pv.ci_high],
        "ope_truth": truth_value,
        "ope_covers": bool(pv.ci_low <= truth_value <= pv.ci_high),
        "effect_ci_coverage": cover,
    }


def speed(n: int, repeat: int) -> dict[str, Any]:
    """optimise_actions on n accounts x 6 actions vs an argmax floor and HiGHS's full LP."""
    from scipy import sparse
    from scipy.optimize import linprog

    book = make_microloan_portfolio(8_000, 18, random_state=0)
    sim = simulate_collections(book, random_state=0)
    rng = np.random.default_rng(0)
    pick = rng.integers(0, len(sim.logged), n)
    acc = sim.logged.iloc[pick].reset_index(drop=True)
    cols = [sim.actions.index(a) for a in SPEED_ACTIONS]
    rec = sim.true_outcomes(acc, "recovered")[:, cols] * rng.uniform(0.9, 1.1, (n, len(cols)))
    cost = sim.costs.matrix(acc["balance"].to_numpy(), SPEED_ACTIONS)
    per_month = len(sim.logged) / sim.logged["month"].nunique()
    cap = {a: max(1, round(c * n / per_month)) for a, c in sim.capacity.items()}

    def ours() -> Any:
        return optimise_actions(acc, rec, cost, cap, sim.rules, actions=SPEED_ACTIONS)

    ours()  # warm the imports
    t_ours, plan = time_best(ours, repeat)
    value = rec - cost
    floor = best_of(lambda: value.argmax(axis=1), max(repeat, 3))
    # peer: HiGHS on the full LP relaxation of the same problem (conduct masks included)
    from overdue_risk.collection import eligible_actions

    allowed, _ = eligible_actions(acc, sim.rules, actions=SPEED_ACTIONS, net_value=value)
    ri, cj = np.nonzero(allowed)
    a_eq = sparse.csr_matrix((np.ones(ri.size), (ri, np.arange(ri.size))), shape=(n, ri.size))
    a_ub = sparse.vstack(
        [sparse.csr_matrix((cj == SPEED_ACTIONS.index(a)).astype(float)[None, :]) for a in cap]
    )
    t0 = time.perf_counter()
    lp = linprog(
        -value[ri, cj],
        A_ub=a_ub,
        b_ub=list(cap.values()),
        A_eq=a_eq,
        b_eq=np.ones(n),
        bounds=(0, 1),
        method="highs",
    )
    t_lp = time.perf_counter() - t0
    return {
        "name": f"optimise_actions ({n:,} accounts x {len(SPEED_ACTIONS)} actions)",
        "n": n,
        "seconds": t_ours,
        "solver": plan.solver,
        "gap": plan.gap,
        "relative_gap": plan.relative_gap,
        "objective": plan.objective,
        "highs_full_lp_objective": -float(lp.fun),
        "highs_full_lp_seconds": t_lp,
        "ratio_vs_floor": t_ours / floor,
        "speedup_vs_highs_full_lp": t_lp / t_ours,
    }


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = bench_parser(__doc__, "collections", quick_help="2 seeds, small books, 5k accounts")
    parser.add_argument("--seeds", type=int, default=None, help="number of seeds (default 20)")
    parser.add_argument("--n-loans", type=int, default=None, help="book size (default 20,000)")
    parser.add_argument("--no-speed", action="store_true", help="skip the optimiser timing")
    args = parser.parse_args(argv)
    n_seeds = args.seeds or (2 if args.quick else 20)
    n_loans = args.n_loans or (6_000 if args.quick else 20_000)
    runs = []
    for s in range(n_seeds):
        runs.append(policy_comparison(s, n_loans=n_loans))
        r = runs[-1]
        print(
            f"seed {s}: total vs ladder {r['optimised_vs_ladder_total']:+.1%} (oracle "
            f"{r['oracle_vs_ladder_total']:+.1%}), of oracle total "
            f"{r['optimised_share_of_oracle_total']:.1%}, uplift "
            f"{r['optimised_share_of_oracle_uplift']:.1%}; OPE covers {r['ope_covers']}",
            flush=True,
        )
    print_table(
        [
            ("seed", ">4"),
            ("ladder uplift", ">14,.0f"),
            ("optimised", ">12,.0f"),
            ("oracle", ">12,.0f"),
            ("total vs ladder", ">16"),
            ("oracle vs ladder", ">17"),
            ("of oracle total", ">16"),
            ("of oracle uplift", ">17"),
            ("OPE covers", ">11"),
        ],
        [
            [
                r["seed"],
                r["uplift"]["ladder"],
                r["uplift"]["optimised"],
                r["uplift"]["oracle"],
                f"{r['optimised_vs_ladder_total']:+.1%}",
                f"{r['oracle_vs_ladder_total']:+.1%}",
                f"{r['optimised_share_of_oracle_total']:.1%}",
                f"{r['optimised_share_of_oracle_uplift']:.1%}",
                str(r["ope_covers"]),
            ]
            for r in runs
        ],
    )
    spread = {
        key: {
            "median": float(np.median([r[key] for r in runs])),
            "min": float(min(r[key] for r in runs)),
            "max": float(max(r[key] for r in runs)),
        }
        for key in (
            "optimised_vs_ladder_total",
            "optimised_vs_ladder_uplift",
            "oracle_vs_ladder_total",
            "optimised_share_of_oracle_total",
            "optimised_share_of_oracle_uplift",
        )
    }
    summary = {
        "seeds": n_seeds,
        "n_loans": n_loans,
        **spread,
        "ope_covered_seeds": sum(r["ope_covers"] for r in runs),
        "effect_ci_coverage": {
            o: sum(r["effect_ci_coverage"][o][0] for r in runs)
            / sum(r["effect_ci_coverage"][o][1] for r in runs)
            for o in ("cured", "recovered")
        },
        "effect_cis": sum(r["effect_ci_coverage"]["cured"][1] for r in runs),
    }
    for key, val in spread.items():
        print(
            f"{key}: median {val['median']:.2%}, min {val['min']:.2%}, max {val['max']:.2%} "
            f"over {n_seeds} seeds"
        )
    print(f"OPE 95% CI covers the truth: {summary['ope_covered_seeds']} of {n_seeds} seeds")
    print(
        "effect 95% CIs covering the true segment effect: "
        + ", ".join(f"{o} {v:.1%}" for o, v in summary["effect_ci_coverage"].items())
        + f" of {summary['effect_cis']} each"
    )
    sizes = [] if args.no_speed else [5_000] if args.quick else [10_000, 100_000]
    rows = [speed(n, 1 if args.quick else 3) for n in sizes]
    print_table(
        [
            ("benchmark", "<48"),
            ("seconds", ">9.3f"),
            ("vs argmax", ">10"),
            ("vs HiGHS LP", ">12"),
            ("rel. gap", ">10.1e"),
        ],
        [
            [
                r["name"],
                r["seconds"],
                f"{r['ratio_vs_floor']:.0f}x",
                f"{r['speedup_vs_highs_full_lp']:.1f}x faster",
                r["relative_gap"],
            ]
            for r in rows
        ],
        rule=False,
    )
    for r in rows:
        print(f"solver: {r['solver']}")
    return save_result(args, "collections", summary=summary, seeds=runs, rows=rows)


if __name__ == "__main__":
    main()
