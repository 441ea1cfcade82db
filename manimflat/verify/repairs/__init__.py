"""Deterministic repairs applied by the verify levels ("fix, don't reject"); no network, no LLM.

Each repair returns the new code and a list of `Fix`es (position in the code it was given, and
a message); the level turns them into `fixed` diagnostics and verifies the repaired code again.
The flattening pipeline makes the compile-warning repairs and the API upgrades itself (passes
`repair-warnings`, which also calls `identity_with_literal`, and `upgrade-api`); the levels
apply them to code that did not come from the pipeline.

One module per repair (add one beside them and export it here):

- `identity_literal.identity_with_literal`: `x is 1` (a SyntaxWarning) becomes `x == 1`.
- `add_wait.add_wait`: a scene that plays nothing gets `self.wait()` at the end of
  `construct`, so it renders a video instead of nothing.
- `loop_carried.bind_loop_carried`: a name a loop reads before it binds it (the previous
  pass's value) is bound to `None` before the loop, so no checker calls it undefined.
"""

from __future__ import annotations

from .add_wait import add_wait
from .fix import Fix
from .identity_literal import identity_with_literal
from .loop_carried import bind_loop_carried

__all__ = ["Fix", "add_wait", "bind_loop_carried", "identity_with_literal"]
