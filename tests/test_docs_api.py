"""The documentation cannot go stale: every public name is in the API reference.

``docs/api.rst`` lists, under ``.. currentmodule:: <module>``, an
``autosummary`` entry for each name in the module's ``__all__``. A name that a
module re-exports from another (``skoptim.MLPClassifier``) is documented once,
under the module that defines it, and mentioned by its full name where it is
re-exported.
"""

import importlib
import pkgutil
import re
from pathlib import Path

import pytest

import skoptim

DOCS = Path(__file__).resolve().parents[1] / "docs"
API = DOCS / "api.rst"


def _public_modules():
    """skoptim, its public subpackages with an ``__all__``, and skoptim.exceptions."""
    names = ["skoptim"]
    for info in pkgutil.iter_modules(skoptim.__path__, "skoptim."):
        if info.name.rsplit(".", 1)[1].startswith("_"):
            continue
        module = importlib.import_module(info.name)
        if hasattr(module, "__all__"):
            names.append(info.name)
    return names


def _autosummary_entries(text):
    """{(module, name)} listed in autosummary blocks, under their currentmodule."""
    entries = set()
    module = None
    in_autosummary = False
    for line in text.splitlines():
        m = re.match(r"\.\. currentmodule:: (\S+)", line)
        if m:
            module, in_autosummary = m.group(1), False
            continue
        if line.startswith(".. autosummary::"):
            in_autosummary = True
            continue
        if in_autosummary:
            if line.strip() == "" or line.lstrip().startswith(":"):
                continue
            if line.startswith("   "):
                entries.add((module, line.strip()))
            else:
                in_autosummary = False
    return entries


TEXT = API.read_text(encoding="utf-8")
ENTRIES = _autosummary_entries(TEXT)
MODULES = _public_modules()
PUBLIC = [(m, n) for m in MODULES for n in importlib.import_module(m).__all__]


def test_every_public_module_is_covered():
    expected = {
        "skoptim",
        "skoptim.neural_network",
        "skoptim.optimizers",
        "skoptim.schedules",
        "skoptim.regularizers",
        "skoptim.ensemble",
        "skoptim.model_selection",
        "skoptim.inspection",
        "skoptim.exceptions",
    }
    assert expected <= set(MODULES)
    for module in MODULES:
        assert f"currentmodule:: {module}\n" in TEXT, f"{module} has no API section"


@pytest.mark.parametrize(
    ("module", "name"), PUBLIC, ids=[f"{m}.{n}" for m, n in PUBLIC]
)
def test_public_name_in_api_reference(module, name):
    if (module, name) in ENTRIES:
        return
    full = f"{module}.{name}"
    obj = getattr(importlib.import_module(module), name)
    documented_elsewhere = [
        f"{m}.{n}"
        for m, n in ENTRIES
        if getattr(importlib.import_module(m), n, None) is obj
    ]
    if name.startswith("__"):  # __version__: a value, named in the text
        assert f"``{full}``" in TEXT, f"{full} is not mentioned in docs/api.rst"
        return
    if getattr(obj, "__module__", "").startswith("sklearn."):
        # a scikit-learn object re-exported (skoptim.callback): named in the
        # text with a link to scikit-learn's own page
        assert f"``{full}``" in TEXT and f"`{obj.__module__.split('._')[0]}." in (
            TEXT
        ), f"{full} re-exports scikit-learn's {name}: name it in docs/api.rst"
        return
    assert documented_elsewhere, (
        f"{full} is in {module}.__all__ but not in docs/api.rst: add it to the "
        f"autosummary under '.. currentmodule:: {module}'."
    )
    assert f"``{full}``" in TEXT, (
        f"{full} re-exports {documented_elsewhere[0]}; mention ``{full}`` in "
        "docs/api.rst's section on the module that re-exports it."
    )


def test_api_reference_lists_nothing_stale():
    for module, name in sorted(ENTRIES):
        mod = importlib.import_module(module)
        assert name in mod.__all__, f"docs/api.rst lists {module}.{name}, not public"


def test_each_name_documented_once():
    names = sorted(f"{m}.{n}" for m, n in ENTRIES)
    assert len(names) == len(set(names))
    objects = [getattr(importlib.import_module(m), n) for m, n in ENTRIES]
    assert len({id(o) for o in objects}) == len(objects), "an object has two pages"


def test_from_sklearn_page_covers_every_hinted_parameter():
    from skoptim.neural_network._from_sklearn import SKLEARN_PARAM_HINTS

    page = (DOCS / "user_guide" / "from_sklearn.rst").read_text(encoding="utf-8")
    missing = [p for p in SKLEARN_PARAM_HINTS if f"``{p}``" not in page]
    assert not missing, f"docs/user_guide/from_sklearn.rst does not map {missing}"


def test_user_guide_links_every_gallery_example():
    examples = sorted((DOCS.parent / "examples").glob("*.py"))
    guide = "".join(
        p.read_text(encoding="utf-8") for p in (DOCS / "user_guide").glob("*.rst")
    )
    for path in examples:
        label = f"sphx_glr_auto_examples_{path.stem}.py"
        assert label in guide, f"no user-guide page links to examples/{path.name}"


def test_ci_builds_the_docs_with_the_readme_command():
    root = DOCS.parent
    readme = (root / "README.md").read_text(encoding="utf-8")
    commands = [
        line.strip()
        for line in (root / ".ci" / "run").read_text(encoding="utf-8").splitlines()
        if line.startswith("python -m pip install")
    ]
    assert len(commands) == 2
    test_cmd, docs_cmd = commands
    assert "pytest" in test_cmd and "sphinx" in docs_cmd
    assert f"```bash\n{test_cmd}\n```" in readme  # the tests first, verbatim
    assert f"```bash\n{docs_cmd}\n```" in readme
    assert "-W" in docs_cmd.split()  # warnings fail the build


# Pages whose python code blocks are self-contained: they run, in order, in one
# namespace per page (the user-guide pages that use placeholders such as
# ``X_train`` are not run).
SELF_CONTAINED = [
    "index.rst",
    "quickstart.rst",
    "user_guide/from_sklearn.rst",
    "user_guide/optimizers.rst",
]


@pytest.mark.parametrize("page", SELF_CONTAINED)
def test_docs_code_blocks_run(page):
    import warnings

    from threadpoolctl import threadpool_limits

    pytest.importorskip("matplotlib")
    text = (DOCS / page).read_text(encoding="utf-8")
    blocks = re.findall(r"\.\. code-block:: python\n\n((?:   .*\n|\n)+)", text)
    assert blocks, f"no python code block in {page}"
    ns: dict = {}
    with threadpool_limits(1), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # ConvergenceWarning of the short fits
        for i, block in enumerate(blocks):
            code = "\n".join(line[3:] for line in block.splitlines())
            exec(compile(code, f"docs/{page} block {i}", "exec"), ns)
    if page == "user_guide/from_sklearn.rst":
        assert repr(ns["est"].optimizer) == (
            "SGD(learning_rate=0.05, momentum=0.9, nesterov=True)"
        )
    if page == "user_guide/optimizers.rst":
        np = pytest.importorskip("numpy")
        np.testing.assert_array_equal(ns["res"].x, [0.0, 0.0])
