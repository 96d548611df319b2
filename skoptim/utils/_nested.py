"""Nested parameters: aliases, lists of named objects, and helpful errors.

One job: make ``get_params``/``set_params`` of the estimators and of the
configuration objects (optimizers, schedules, regularizers) serve grid
searches the way users write them. Shared by the MLP estimators and by SAM
(through :class:`~skoptim.utils._params.ParamsObject`).

A class declares, as class attributes,

``_alias_params``
    ``{name: resolve}`` for parameters that accept a string alias
    (``optimizer="adam"``): ``resolve(alias)`` returns a **new** object with
    default hyperparameters. ``get_params(deep=True)`` shows the nested
    parameters of the object the alias stands for (``optimizer__learning_rate``)
    and ``set_params(optimizer__learning_rate=...)`` replaces the alias by a
    fresh object with that value set; no object is shared between estimators,
    so nothing shared is ever mutated.
``_list_params``
    ``{name: resolve}`` for parameters holding a list of objects (or aliases)
    such as ``regularizers=[Dropout(0.2), "l2"]``. Each element is reached as
    ``<name>__<key>__<param>`` where ``<key>`` is the element's position or its
    lower-cased class name when that is unique in the list
    (``regularizers__l2__alpha``). Setting one replaces the element by a
    modified clone (an alias by a new object); the user's objects are never
    changed.
``_param_hints``
    ``{unknown name: advice}``: what to use instead when ``set_params``, a grid
    or the constructor names a parameter the class does not have (scikit-learn's
    ``alpha`` on an skoptim MLP, ``lr`` on an optimizer).
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from sklearn.base import clone

__all__ = [
    "NestedParamsMixin",
    "InvalidNestedParameter",
    "list_items",
    "item_names",
]


class InvalidNestedParameter(ValueError):
    """A ``set_params`` key names no parameter (a ValueError, as in sklearn).

    Carries the object and the key, so an owner setting nested parameters
    can say which of its parameters led there and what to do.
    """

    def __init__(
        self,
        message: str,
        obj: Any = None,
        key: str = "",
        *,
        advised: bool = False,
        suggestion: str | None = None,
    ):
        # defaults: an exception re-raised from a joblib worker is rebuilt
        # from its message alone
        self.base_message = message
        self.suggestion = suggestion
        if suggestion is not None:
            message = f"{message} Did you mean {suggestion!r}?"
        super().__init__(message)
        self.obj = obj
        self.key = key
        self.advised = advised


def _close_match(name: str, candidates, cutoff: float = 0.6) -> str | None:
    """The candidate closest to a mistyped ``name``, if one is close."""
    close = difflib.get_close_matches(name, list(candidates), n=1, cutoff=cutoff)
    return close[0] if close else None


def _is_param_object(value) -> bool:
    return hasattr(value, "get_params") and not isinstance(value, type)


def list_items(value, resolve: Callable[[str], Any]) -> list | None:
    """The objects of a list parameter, aliases resolved to new objects.

    ``None`` gives ``[]``, a single object or alias a one-element list.
    Returns None when ``value`` is not a list of parameter objects and valid
    aliases (fit reports the error with the full message).
    """
    if value is None:
        return []
    if isinstance(value, str) or _is_param_object(value):
        items = [value]
    else:
        try:
            items = list(value)
        except TypeError:
            return None
    out = []
    for item in items:
        if isinstance(item, str):
            try:
                item = resolve(item)
            except (TypeError, ValueError):
                return None
        elif not _is_param_object(item):
            return None
        out.append(item)
    return out


def item_names(items) -> dict[str, int]:
    """Keys a nested name may use: every position, and unique class names."""
    names = {str(i): i for i in range(len(items))}
    lower = [type(r).__name__.lower() for r in items]
    for i, name in enumerate(lower):
        if lower.count(name) == 1:
            names[name] = i
    return names


def _canonical_names(items) -> list[str]:
    """The name ``get_params`` shows for each element: class name if unique."""
    canonical = [str(i) for i in range(len(items))]
    for name, i in item_names(items).items():
        if not name.isdigit():
            canonical[i] = name
    return canonical


class NestedParamsMixin:
    """``get_params``/``set_params`` that follow aliases and named lists.

    Put it before :class:`sklearn.base.BaseEstimator` in the bases; see the
    module docstring for the class attributes it reads.
    """

    _alias_params: dict = {}
    _list_params: dict = {}
    _param_hints: dict = {}

    def __new__(cls, *args, **kwargs):
        # Python's own "unexpected keyword argument" error, with advice for
        # names users bring from elsewhere (scikit-learn's MLP, torch); the
        # constructor itself stays a plain store of its arguments.
        hints = cls._param_hints
        if kwargs:
            names = cls._get_param_names()
            for key in sorted(kwargs.keys() - set(names)):
                if key in hints:
                    advice = hints[key]
                else:  # a typo (max_iters): the closest name, if any
                    close = _close_match(key, names)
                    if close is None:
                        continue  # Python's own error follows
                    advice = f"Did you mean {close!r}?"
                raise TypeError(
                    f"{cls.__name__}() got an unexpected keyword argument "
                    f"{key!r}. {advice}"
                )
        return super().__new__(cls)

    # -- get_params -------------------------------------------------------------
    def get_params(self, deep: bool = True) -> dict:
        """Get the parameters; with ``deep``, also the nested ones.

        Parameters
        ----------
        deep : bool, default=True
            Also return the parameters of nested objects, as
            ``<name>__<param>``: those of an object given by its alias
            (``optimizer="adam"`` shows ``optimizer__learning_rate``) and, for
            a list of objects, ``<name>__<key>__<param>`` with ``<key>`` the
            lower-cased class name when unique in the list, else the position.

        Returns
        -------
        params : dict
            Parameter names mapped to their values.
        """
        out = super().get_params(deep=deep)
        if not deep:
            return out
        for name, resolve in self._alias_params.items():
            value = out.get(name)
            if isinstance(value, str):
                try:
                    obj = resolve(value)
                except (TypeError, ValueError):
                    continue  # an invalid alias is reported by fit
                for k, v in obj.get_params(deep=True).items():
                    out[f"{name}__{k}"] = v
        for name, resolve in self._list_params.items():
            prefix = f"{name}__"
            for k in [k for k in out if k.startswith(prefix)]:
                del out[k]  # a single object's own names: replaced below
            items = list_items(out.get(name), resolve) or []
            for key, obj in zip(_canonical_names(items), items, strict=True):
                for k, v in obj.get_params(deep=True).items():
                    out[f"{prefix}{key}__{k}"] = v
        return out

    # -- set_params -------------------------------------------------------------
    def _invalid_parameter(self, name: str, key: str) -> InvalidNestedParameter:
        valid = sorted(self._get_param_names())
        msg = (
            f"Invalid parameter {key!r} for {type(self).__name__}: valid "
            f"parameters are {valid}."
        )
        hint = self._param_hints.get(name)
        if hint:
            msg = f"{msg} {hint}"
            return InvalidNestedParameter(msg, self, key, advised=True)
        close = _close_match(name, valid)
        suggestion = None if close is None else close + key[len(name) :]
        return InvalidNestedParameter(
            msg, self, key, advised=close is not None, suggestion=suggestion
        )

    def _nested_invalid(
        self,
        name: str,
        exc: InvalidNestedParameter,
        key: str,
        *,
        family=True,
        element: str = "",
    ):
        """Re-raise a nested object's invalid key from this object's view.

        With ``family``, advise one grid dict per family of classes (a grid
        that varies ``name`` over classes with different parameters).
        ``element`` is the list element's name (``"l2__"``) for a list
        parameter: a suggested correction is given as a full name.
        """
        full = f"{name}__{key}"
        suggestion = None
        if getattr(exc, "suggestion", None) is not None:
            suggestion = f"{name}__{element}{exc.suggestion}"
        inner = getattr(exc, "base_message", str(exc))
        msg = f"Invalid parameter {full!r} for {type(self).__name__}: {inner}"
        if family and not exc.advised:
            msg += (
                f" If a grid search varies {name!r} over classes with different "
                "parameters, give one dict per family of classes, each with "
                "only the nested names its classes have, e.g. param_grid=["
                f"{{{name!r}: [<objects that have {exc.key!r}>], '{name}__"
                f"{exc.key}': [...]}}, {{{name!r}: [{type(exc.obj).__name__}()]}}]."
            )
        return InvalidNestedParameter(
            msg, self, full, advised=True, suggestion=suggestion
        )

    def set_params(self, **params):
        """Set the parameters, including nested ``<name>__<param>`` ones.

        A nested parameter of an alias (``optimizer__learning_rate`` with
        ``optimizer="adam"``) turns the alias into a new object of its class
        with that value set. A nested parameter of a list element
        (``regularizers__dropout__rate``) replaces that element by a modified
        clone, so objects the user passed are never changed. Plain
        parameters are set before nested ones.

        Parameters
        ----------
        **params : dict
            Parameter names (``name`` or ``name__nested``) and values.

        Returns
        -------
        self : object
            This object.

        Raises
        ------
        ValueError
            If a name is not a parameter of this object (or of the nested
            object it reaches); the message says what to use instead, e.g.
            one grid dict per optimizer family.
        """
        if not params:
            return self
        valid = self.get_params(deep=False)
        nested: dict[str, dict] = defaultdict(dict)
        for key, value in params.items():
            name, delim, sub = key.partition("__")
            if name not in valid:
                raise self._invalid_parameter(name, key)
            if delim:
                nested[name][sub] = value
            else:
                setattr(self, name, value)
                valid[name] = value
        for name, sub_params in nested.items():
            if name in self._list_params:
                self._set_list_params(name, sub_params)
                continue
            obj = valid[name]
            if isinstance(obj, str) and name in self._alias_params:
                # a new object for the alias: no default is shared or mutated
                obj = self._alias_params[name](obj)
                setattr(self, name, obj)
            if not _is_param_object(obj):
                full = f"{name}__{next(iter(sub_params))}"
                raise InvalidNestedParameter(
                    f"Invalid parameter {full!r} for {type(self).__name__}: "
                    f"{name}={obj!r} has no nested parameters.",
                    self,
                    full,
                    advised=True,
                )
            try:
                obj.set_params(**sub_params)
            except InvalidNestedParameter as exc:
                raise self._nested_invalid(name, exc, exc.key) from None
        return self

    def _empty_list(self, name: str, key: str, current) -> InvalidNestedParameter:
        """The error for a nested name into an empty (or None) list."""
        key_name = key.partition("__")[0]
        try:
            self._list_params[name](key_name)
            element = repr(key_name)  # an alias: show how to add it
        except (TypeError, ValueError):
            element = "..."
        return InvalidNestedParameter(
            f"Invalid parameter {name + '__' + key!r} for {type(self).__name__}: "
            f"{name}={current!r} holds no {name.rstrip('s')} to set it on. Add "
            f"one first, in the same call or before, e.g. set_params({name}="
            f"[{element}], {name}__{key}=...).",
            self,
            f"{name}__{key}",
            advised=True,
        )

    def _set_list_params(self, name: str, sub_params: dict) -> None:
        current = getattr(self, name)
        single = isinstance(current, str) or _is_param_object(current)
        items = list_items(current, self._list_params[name])
        if items is None:
            raise ValueError(
                f"Cannot set {name}__{next(iter(sub_params))}: {name}={current!r} "
                f"is not a list of objects or aliases; set {name} itself."
            )
        names = item_names(items)
        grouped: dict[int, dict] = defaultdict(dict)
        for key, value in sub_params.items():
            key_name, _, rest = key.partition("__")
            if not items:
                raise self._empty_list(name, key, current)
            if key_name not in names:
                labels = [n for n in names if not n.isdigit()]
                close = _close_match(key_name, labels, cutoff=0.5)
                raise InvalidNestedParameter(
                    f"Invalid parameter {name + '__' + key!r} for "
                    f"{type(self).__name__}: "
                    f"no {name.rstrip('s')} named {key_name!r}; valid names are "
                    f"{sorted(names)} (positions and lower-cased class names "
                    "that are unique in the list).",
                    self,
                    f"{name}__{key}",
                    advised=True,
                    suggestion=(None if close is None else f"{name}__{close}__{rest}"),
                )
            i = names[key_name]
            if rest:
                grouped[i][rest] = value
            else:
                items[i] = value
                grouped.pop(i, None)
        for i, sub in grouped.items():
            obj = clone(items[i])
            try:
                obj.set_params(**sub)
            except InvalidNestedParameter as exc:
                element = f"{_canonical_names(items)[i]}__"
                raise self._nested_invalid(
                    name, exc, element + exc.key, family=False, element=element
                ) from None
            items[i] = obj
        setattr(self, name, items[0] if single and len(items) == 1 else items)
