"""The shared per-step training table (skoptim.utils._training_log)."""

import io
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from skoptim.utils._training_log import TrainingLog, format_duration, format_value


def _log(columns, **kwargs):
    buf = io.StringIO()
    return TrainingLog(columns, file=buf, **kwargs), buf


def test_exact_table_best_marker_moving_and_missing_columns():
    log, buf = _log(
        ["train_loss", "valid_loss", "valid_score", "lr"],
        max_steps=200,
        best=("valid_loss", "min"),
    )
    log.row(1, train_loss=0.6931, valid_loss=0.7, valid_score=0.5, lr=1e-3, time=0.12)
    log.row(2, train_loss=0.5, valid_loss=0.65, valid_score=0.75, lr=1e-3, time=0.085)
    log.row(3, train_loss=0.4, valid_loss=0.66, valid_score=0.8, lr=5e-4, time=1.5)
    # a step without validation: blanks, no marker, alignment kept
    log.row(4, train_loss=0.3, time=0.004)
    # NaN and None are blanks too and never a new best
    log.row(5, train_loss=np.float32(0.25), valid_loss=float("nan"), lr=None)
    assert buf.getvalue().splitlines() == [
        "  epoch  train_loss  valid_loss  valid_score          lr    time",
        "-------  ----------  ----------  -----------  ----------  ------",
        "  1/200      0.6931      0.7000       0.5000      0.0010   0.12s  *",
        "  2/200      0.5000      0.6500       0.7500      0.0010    85ms  *",
        "  3/200      0.4000      0.6600       0.8000   5.000e-04   1.50s",
        "  4/200      0.3000                                        4.0ms",
        "  5/200      0.2500",
    ]
    assert log.best_step_ == 2 and log.best_value_ == 0.65
    assert log.n_rows_ == 5


def test_max_direction_custom_step_name_marker_and_no_time():
    log, buf = _log(
        ["train_score", "oob_score"],
        step_name="member",
        max_steps=3,
        best=("oob_score", "max"),
        marker="+",
        time=False,
    )
    for i, oob in enumerate([0.5, 0.8, 0.8], start=1):
        log.row(i, train_score=1.0, oob_score=oob)
    assert buf.getvalue().splitlines() == [
        "member  train_score   oob_score",
        "------  -----------  ----------",
        "   1/3       1.0000      0.5000  +",
        "   2/3       1.0000      0.8000  +",
        "   3/3       1.0000      0.8000",  # a tie is not a new best
    ]


def test_no_max_steps_prints_the_step_alone_and_row_returns_line():
    log, buf = _log(["loss"])
    line = log.row(7, loss=2)
    assert line == "    7           2"
    assert buf.getvalue().splitlines()[-1] == line


def test_header_printed_lazily_once():
    log, buf = _log(["loss"], max_steps=2)
    assert buf.getvalue() == ""
    log.row(1, loss=1.0)
    log.row(2, loss=0.5)
    assert buf.getvalue().count("loss") == 1


def test_default_file_is_stdout_at_print_time(capsys):
    log = TrainingLog(["loss"], max_steps=1)
    log.row(1, loss=1.0)
    assert "1/1" in capsys.readouterr().out


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(columns=["a", "a"]), "distinct"),
        (dict(columns=["epoch"]), "distinct"),
        (dict(columns=["time"]), "distinct"),
        (dict(columns=["a"], best=("b", "min")), "best must be"),
        (dict(columns=["a"], best=("a", "lowest")), "best must be"),
        (dict(columns=["a"], max_steps=0), "max_steps"),
        (dict(columns=["a"], max_steps=2.5), "max_steps"),
    ],
)
def test_bad_configuration_is_refused(kwargs, match):
    with pytest.raises(ValueError, match=match):
        TrainingLog(**kwargs)


def test_unknown_column_in_row_is_refused():
    log, _ = _log(["loss"])
    with pytest.raises(ValueError, match="Unknown training-log column"):
        log.row(1, los=1.0)


@pytest.mark.parametrize(
    "seconds, text",
    [
        (None, ""),
        (float("nan"), ""),
        (0.0004, "0.4ms"),
        (0.085, "85ms"),
        (0.12, "0.12s"),
        (12.345, "12.35s"),
        (125, "2m05s"),
        (3720, "1h02m"),
    ],
)
def test_format_duration(seconds, text):
    assert format_duration(seconds) == text


@pytest.mark.parametrize(
    "value, text",
    [
        (0.5, "0.5000"),
        (0, "0"),
        (0.0, "0.0000"),
        (np.int64(3), "3"),
        (1e-7, "1.000e-07"),
        (-2.5e6, "-2.500e+06"),
        (-9999.5, "-9999.5000"),
        (12345.0, "1.234e+04"),
        (-2.25e-308, "-2.25e-308"),
        (float("inf"), "inf"),
        (np.float32(0.25), "0.2500"),
        (None, ""),
        ("lbfgs", "lbfgs"),
    ],
)
def test_format_value(value, text):
    assert format_value(value) == text


finite_or_missing = st.one_of(
    st.none(),
    st.just(float("nan")),
    st.floats(-1e9, 1e9, allow_nan=False),
)


@settings(max_examples=60, deadline=None)
@given(
    values=st.lists(st.tuples(finite_or_missing, finite_or_missing), max_size=12),
    direction=st.sampled_from(["min", "max"]),
)
def test_columns_aligned_and_marker_on_strict_running_best(values, direction):
    log, buf = _log(["loss", "score"], max_steps=12, best=("score", direction))
    for step, (loss, score) in enumerate(values, start=1):
        log.row(step, loss=loss, score=score, time=0.5)
    lines = buf.getvalue().splitlines()
    if not values:
        assert lines == []
        return
    header, rows = lines[0], lines[2:]
    # every cell ends where its header ends (right-aligned, fixed width)
    ends = [
        i + 1
        for i, (a, b) in enumerate(zip(header, header[1:] + " ", strict=True))
        if a != " " and b == " "
    ]
    for row in rows:
        body = row.removesuffix("  *")
        for end in ends:
            assert end == len(body) or body[end] == " "
    # the marker is exactly on the strict improvements of the running best
    best, expected = None, []
    for _, score in values:
        ok = score is not None and not math.isnan(score)
        better = ok and (
            best is None or (score < best if direction == "min" else score > best)
        )
        best = score if better else best
        expected.append(better)
    assert [row.endswith("  *") for row in rows] == expected
