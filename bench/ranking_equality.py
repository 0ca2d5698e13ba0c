"""Did a speed change alter any ranking? Dump the speed bench's rankings, then compare two dumps.

    python bench/ranking_equality.py dump before.json [--radars 1000]   # on the old code (e.g. a git worktree)
    python bench/ranking_equality.py dump after.json                    # on the new code
    python bench/ranking_equality.py compare before.json after.json

The day and radars are bench/ranking_speed.py's (20k real papers, 1 in 10 radars seeded with the aspect re-rank, 1 in
20 with 👍/👎), built from the same random seed, so both dumps rank the same inputs. A dump holds each radar's top 60:
paper ids, scores and reason texts. `compare` prints how many lists differ, where, and whether a differing pair is a
near-tie (equal scores to 5 decimals: float32 rounding, not a change of order).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from academichub.rank.radar import rank_radars_columnar  # noqa: E402
from ranking_speed import bench_day, day_sentences, load_papers, make_queries, unit  # noqa: E402

TOP_K = 60
TIE_DECIMALS = 5


def dump(path: Path, radars: int) -> None:
    rng = np.random.default_rng(7)
    papers = load_papers(20_000)
    vectors = unit(rng, len(papers))
    queries = make_queries(papers, radars, rng)
    day = bench_day(papers, vectors, day_sentences(papers, rng))
    lists = [
        [[s.paper.id, s.score, [str(r) for r in s.reasons]] for s in ranking]
        for ranking in rank_radars_columnar(day, queries, top_k=TOP_K)
    ]
    path.write_text(json.dumps(lists))
    print(f"wrote {len(lists)} rankings to {path}")


def load(path: Path) -> list[list[list[object]]]:
    """A dump written by `dump`; exits with one line naming the file when it is missing or not a dump."""
    try:
        lists = json.loads(path.read_text())
    except (OSError, ValueError) as error:
        sys.exit(f"cannot read the dump {path}: {error}")
    if not isinstance(lists, list) or not all(isinstance(x, list) for x in lists):
        sys.exit(f"{path} is not a dump written by `ranking_equality.py dump`")
    return lists


def compare(a_path: Path, b_path: Path) -> int:
    a, b = load(a_path), load(b_path)
    if len(a) != len(b):
        print(f"different radar counts: {len(a)} vs {len(b)}")
        return 1
    orders = reasons = real = 0
    worst = 0.0
    for r, (x, y) in enumerate(zip(a, b, strict=True)):
        for j, (p, q) in enumerate(zip(x, y, strict=False)):
            worst = max(worst, abs(p[1] - q[1])) if p[0] == q[0] else worst
            if p[0] != q[0]:
                tie = round(p[1], TIE_DECIMALS) == round(q[1], TIE_DECIMALS)
                real += not tie
                print(f"radar {r} rank {j + 1}: {p[0]} vs {q[0]} ({'near-tie' if tie else 'ORDER CHANGED'})")
            elif p[2] != q[2]:
                reasons += 1
                print(f"radar {r} rank {j + 1}: reasons differ: {p[2]} vs {q[2]}")
        orders += [p[0] for p in x] != [q[0] for q in y]
    print(f"{len(a)} radars: {orders} lists differ in order ({real} places beyond near-ties), {reasons} reason lists "
          f"differ on the same paper, largest score difference {worst:.2e}")  # fmt: skip
    return 1 if real or reasons else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    d = sub.add_parser("dump")
    d.add_argument("out", type=Path)
    d.add_argument("--radars", type=int, default=1_000)
    c = sub.add_parser("compare")
    c.add_argument("a", type=Path)
    c.add_argument("b", type=Path)
    args = parser.parse_args()
    if args.command == "dump":
        dump(args.out, args.radars)
    else:
        sys.exit(compare(args.a, args.b))


if __name__ == "__main__":
    main()
