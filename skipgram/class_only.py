"""`class_only`: a classmethod that refuses to run on an instance.

`model.load(path)` reads as if it loaded into `model`, but a classmethod returns a new object
and leaves `model` as it was, so the loaded state is silently dropped. gensim raises
`AttributeError` for that call (its `call_on_class_only`); skipgram's `load` methods do too,
with the call to write instead. As in gensim, the attribute still exists on instances
(`hasattr(model, "load")` is True): calling it is the error.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # to type checkers it is a classmethod, which is what callers see
    class_only = classmethod
else:

    class class_only(classmethod):  # noqa: N801 (named like the decorator it extends)
        def __get__(self, instance: Any, owner: type | None = None) -> Any:
            if instance is None:
                return super().__get__(instance, owner)
            cls = type(instance).__name__
            name = self.__func__.__name__

            @functools.wraps(self.__func__)
            def refuse(*args: Any, **kwargs: Any) -> Any:
                raise AttributeError(
                    f"{name}() is called on the class, not on an instance: "
                    f"`x = {cls}.{name}(path)`; on an instance it would return a new object "
                    "and leave this one unchanged"
                )

            return refuse
