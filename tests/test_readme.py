"""The README's python code blocks run as written, in order, in one namespace."""

import re
import warnings
from pathlib import Path

import pytest
from threadpoolctl import threadpool_limits

README = Path(__file__).resolve().parents[1] / "README.md"


def _python_blocks():
    return re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)


def test_readme_has_python_blocks():
    blocks = _python_blocks()
    assert len(blocks) >= 3
    assert "GridSearchCV" in blocks[0]


def test_readme_python_blocks_run(capsys):
    ns: dict = {}
    # one BLAS thread: the blocks are small, and threads only contend on a
    # shared machine; the code itself runs unchanged
    with threadpool_limits(1), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # ConvergenceWarning of the short fits
        for i, block in enumerate(_python_blocks()):
            exec(compile(block, f"README.md block {i}", "exec"), ns)
    out = capsys.readouterr().out
    search = ns["search"]
    # the quickstart's grid means what it says: the SGD candidates keep their
    # cosine schedule, whose peak rate is the grid's value
    sgd = [p for p in search.cv_results_["params"] if "mlpclassifier__optimizer" in p]
    assert len(sgd) == 2 and len(search.cv_results_["params"]) == 4
    assert "mlpclassifier__optimizer__learning_rate" in search.best_params_
    assert str(search.best_score_)[:6] in out
    assert ns["clf"].best_epoch_ >= 1
    assert "L2(alpha=0.001)" in out


@pytest.mark.parametrize("rate", [0.05, 0.2])
def test_readme_quickstart_sgd_candidate_keeps_its_schedule(rate):
    from sklearn.base import clone

    from skoptim.schedules import CosineAnnealing

    ns: dict = {}
    block = _python_blocks()[0].split("search = ")[0]  # build, do not fit
    exec(compile(block, "README.md block 0", "exec"), ns)
    sgd_dict = ns["grid"][1]
    model = clone(ns["model"]).set_params(
        mlpclassifier__optimizer=clone(sgd_dict["mlpclassifier__optimizer"][0]),
        mlpclassifier__optimizer__learning_rate=rate,
    )
    lr = model[-1].optimizer.learning_rate
    assert isinstance(lr, CosineAnnealing)
    assert lr.learning_rate == rate and lr.t_max == 40
