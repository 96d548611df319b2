"""``skoptim splits``: the folds of a CV scheme on the user's data."""

from __future__ import annotations

from ._cv import compute_folds, cv_repr, describe_folds, describe_rows, make_cv
from ._data import load_frame, prepare
from ._report import check_outputs, plot_folds, save_figure

__all__ = ["run_splits"]


def run_splits(args) -> int:
    """Run ``skoptim splits`` with parsed arguments; return the exit code.

    Raises
    ------
    UsageError
        For any problem with the input (printed as one line, exit code 2).
    """
    check_outputs(None, args.plot)
    frame, source = load_frame(args.data, None)
    data = prepare(
        frame, source, args.target, "auto", args.time_column, need_features=False
    )
    name = args.cv or "blocked"
    cv = make_cv(
        name,
        n_splits=args.n_splits,
        gap=args.gap,
        times=data.times,
        task=data.task,
        random_state=args.random_state,
    )
    folds = compute_folds(cv, data.X, data.y, data.times)
    n = data.X.shape[0]
    span = describe_rows(range(n), data.times).rsplit(" (", 1)[0]
    print(f"data: {source}: {n} rows, {data.time_column} {span}")
    print(f"cv: {name}: {cv_repr(cv)}, {len(folds)} folds\n")
    rows = [("fold", "train", "test")]
    rows += [
        (str(k), tr, te)
        for k, (tr, te) in enumerate(describe_folds(folds, data.times), 1)
    ]
    w0 = max(len(r[0]) for r in rows)
    w1 = max(len(r[1]) for r in rows)
    for a, b, c in rows:
        print(f"{a.rjust(w0)}  {b.ljust(w1)}  {c}".rstrip())
    if args.plot:
        title = f"{source}: cv={name} ({len(folds)} folds)"
        save_figure(plot_folds(folds, n, data.times, title), args.plot)
    return 0
