"""apps.core.memo: a value is computed once per key inside a scope, every time outside one, and
never outlives its scope (issue 22)."""

from __future__ import annotations

import threading

from apps.core.memo import memo_scope, memoized


def counter() -> tuple[list[int], object]:
    calls: list[int] = []

    def compute() -> int:
        calls.append(1)
        return len(calls)

    return calls, compute


def test_outside_a_scope_every_call_computes() -> None:
    calls, compute = counter()
    assert memoized("k", compute) == 1
    assert memoized("k", compute) == 2
    assert len(calls) == 2


def test_inside_a_scope_a_key_is_computed_once_and_other_keys_apart() -> None:
    calls, compute = counter()
    with memo_scope():
        assert memoized("k", compute) == 1
        assert memoized("k", compute) == 1
        assert memoized(("k", 2), compute) == 2
        assert memoized(("k", 2), compute) == 2
    assert len(calls) == 2


def test_a_none_value_is_memoized_too() -> None:
    calls: list[int] = []

    def nothing() -> None:
        calls.append(1)

    with memo_scope():
        assert memoized("none", nothing) is None
        assert memoized("none", nothing) is None
    assert len(calls) == 1


def test_the_next_scope_computes_again_so_a_change_between_scopes_is_seen() -> None:
    source = {"cycle": 2026}
    with memo_scope():
        assert memoized("cycle", lambda: source["cycle"]) == 2026
        source["cycle"] = 2027  # inside the scope nothing writes; shown only to pin the lifetime
        assert memoized("cycle", lambda: source["cycle"]) == 2026
    with memo_scope():
        assert memoized("cycle", lambda: source["cycle"]) == 2027
    assert memoized("cycle", lambda: source["cycle"]) == 2027


def test_a_scope_is_not_seen_by_another_thread() -> None:
    seen: list[int] = []
    with memo_scope():
        memoized("k", lambda: 1)

        def other() -> None:
            seen.append(memoized("k", lambda: 2))

        thread = threading.Thread(target=other)
        thread.start()
        thread.join()
    assert seen == [2]
