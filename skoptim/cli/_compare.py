"""``skoptim compare``: cross-validate optimizer x regularizer configurations."""

from __future__ import annotations

import sys

import skoptim

from ._cv import compute_folds, cv_repr, default_cv, make_cv
from ._data import load_frame, prepare
from ._errors import UsageError
from ._names import (
    OPTIMIZERS,
    REGULARIZERS,
    TIME_SERIES_CV,
    make_regularizers,
    parse_names,
)
from ._pipeline import describe_preprocessing, make_model
from ._report import (
    check_outputs,
    format_table,
    plot_scores,
    results_document,
    save_figure,
    sort_results,
    write_json,
)
from ._run import Config, run_all
from ._scoring import check_scoring

__all__ = ["run_compare"]


def _check_source(args) -> None:
    if args.dataset is not None and args.data is not None:
        raise UsageError("give either DATA with --target, or --dataset, not both")
    if args.target is not None and args.data is None:
        raise UsageError("--target needs a DATA file (or use --dataset)")
    if args.dataset is not None and args.time_column is not None:
        raise UsageError("--time-column works with a DATA file, not --dataset")


def _check_time_order(data, cv_name: str) -> None:
    """Refuse or warn when the folds would not follow time.

    A time-series scheme without ``--time-column`` splits in file order; a
    shuffled scheme with ``--time-column`` ignores the order (a warning).

    Raises
    ------
    UsageError
        For ``--cv time-window`` without ``--time-column``, or another
        time-series scheme when the rows are not in the order of any
        date-like column of the data.
    """
    if cv_name not in TIME_SERIES_CV:
        if data.time_column is not None:
            data.warnings.append(
                f"--cv {cv_name} shuffles the rows: its training folds hold rows "
                f"from after the test rows, whatever --time-column says; for time "
                "series use --cv blocked, hv-blocked, purged or time-window"
            )
        return
    if data.time_column is not None:
        return
    dates = data.date_columns
    ordered = [c for c, in_order in dates.items() if in_order]
    suggest = ordered[0] if ordered else next(iter(dates), None)
    hint = f"--time-column {suggest}" if suggest else "--time-column COL"
    if cv_name == "time-window":
        raise UsageError(f"--cv time-window needs --time-column (e.g. {hint})")
    if dates and not ordered:
        raise UsageError(
            f"--cv {cv_name} splits the rows in file order, but they are not in "
            f"time order ({_quoted(dates)} not sorted); use {hint} to sort them"
        )
    where = f", which is sorted by {suggest!r}" if suggest else ""
    data.warnings.append(
        f"--cv {cv_name} without --time-column splits the rows in file order"
        f"{where}; make sure that is time order, or use {hint}"
    )
    data.notes.append("no --time-column: the folds follow the file's row order")


def _quoted(names) -> str:
    return ", ".join(repr(n) for n in names)


def _header(data, cv, folds, scoring, args) -> list[str]:
    X = data.X
    lines = [
        f"data: {data.source}: {X.shape[0]} rows x {X.shape[1]} feature columns, "
        f"target {data.target!r}"
    ]
    if data.time_column is not None:
        lines.append(f"time: rows sorted by {data.time_column!r} (not a feature)")
    lines += [f"note: {n}" for n in data.notes]
    extra = ""
    if data.task == "classification":
        extra = f", {data.y.nunique()} classes"
    lines.append(f"task: {data.task} ({data.task_reason}{extra}); scoring: {scoring}")
    lines.append(f"cv: {args.cv}: {cv_repr(cv)}, {len(folds)} folds")
    lines += [f"preprocessing: {line}" for line in describe_preprocessing(X, data.task)]
    mlp = "MLPClassifier" if data.task == "classification" else "MLPRegressor"
    lines.append(
        f"model: skoptim {skoptim.__version__} {mlp}(hidden_layer_sizes="
        f"{args.hidden}, max_iter={args.max_iter}, n_iter_no_change="
        f"{args.n_iter_no_change}, batch_size={args.batch_size!r}), "
        f"{args.dtype}, random_state={args.random_state}"
    )
    return lines


def _configs(data, args) -> list[Config]:
    optimizers = parse_names(args.optimizers, OPTIMIZERS, "optimizer", True)
    regs = parse_names(args.regularizers, REGULARIZERS, "regularizer", False)
    configs = []
    for reg in regs:
        regularizers = make_regularizers(reg, data.task)
        for opt in optimizers:
            estimator = make_model(
                data.X,
                data.task,
                optimizer=opt,
                regularizers=regularizers,
                hidden=args.hidden,
                max_iter=args.max_iter,
                n_iter_no_change=args.n_iter_no_change,
                batch_size=args.batch_size,
                dtype=args.dtype,
                random_state=args.random_state,
            )
            configs.append(Config(opt, reg, estimator))
    return configs


def run_compare(args) -> int:
    """Run ``skoptim compare`` with parsed arguments; return the exit code.

    Raises
    ------
    UsageError
        For any problem with the input (printed as one line, exit code 2).
    """
    _check_source(args)
    check_outputs(args.json, args.plot)
    frame, source = load_frame(args.data, args.dataset)
    target = args.target if args.dataset is None else "target"
    data = prepare(frame, source, target, args.task, args.time_column)
    configs = _configs(data, args)  # checks the names before any work
    scoring = check_scoring(args.scoring, data.task, data.y, data.task_reason)
    args.cv = args.cv or default_cv(data.task, data.time_column)
    _check_time_order(data, args.cv)
    cv = make_cv(
        args.cv,
        n_splits=args.n_splits,
        gap=args.gap,
        times=data.times,
        task=data.task,
        random_state=args.random_state,
    )
    folds = compute_folds(cv, data.X, data.y, data.times)
    for text in data.warnings:  # every check passed: say what was changed
        print(f"warning: {text}", file=sys.stderr, flush=True)
    header = _header(data, cv, folds, scoring, args)
    print("\n".join(header), end="\n\n", flush=True)

    results = run_all(
        configs,
        data.X,
        data.y,
        folds,
        scoring=scoring,
        n_jobs=args.n_jobs,
        progress=not args.quiet,
    )
    results = sort_results(results)
    print(format_table(results, scoring), flush=True)

    if args.json:
        meta = {
            "skoptim_version": skoptim.__version__,
            "data": {
                "source": data.source,
                "n_rows": int(data.X.shape[0]),
                "n_features": int(data.X.shape[1]),
                "target": data.target,
                "time_column": data.time_column,
                "notes": data.notes,
                "warnings": data.warnings,
            },
            "task": data.task,
            "scoring": scoring,
            "cv": {
                "name": args.cv,
                "splitter": cv_repr(cv),
                "n_splits": len(folds),
                "test_sizes": [len(te) for _, te in folds],
                "train_sizes": [len(tr) for tr, _ in folds],
            },
            "model": {
                "hidden_layer_sizes": list(args.hidden),
                "max_iter": args.max_iter,
                "n_iter_no_change": args.n_iter_no_change,
                "batch_size": args.batch_size,
                "dtype": args.dtype,
                "random_state": args.random_state,
            },
            "preprocessing": describe_preprocessing(data.X, data.task),
        }
        write_json(args.json, results_document(results, meta))
    if args.plot:
        title = f"{data.source}: {scoring} per fold, cv={args.cv} ({len(folds)} folds)"
        save_figure(plot_scores(results, scoring, title), args.plot)
    if all(r.error for r in results):
        print("skoptim compare: every configuration failed", file=sys.stderr)
        return 1
    return 0
