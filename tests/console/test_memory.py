"""What the console keeps in memory: one object per app, made once per stamp, shared by threads, forgotten at once."""

from __future__ import annotations

import ast
import threading
from dataclasses import replace
from pathlib import Path

import pytest
from starlette.applications import Starlette

from console.app import create_app
from console.memory import Memory, inputs_looked_at_once, looked_at
from console.settings import ConsoleSettings
from console.state import inputs
from tests.console.conftest import Clients

CONSOLE = Path(__file__).parents[2] / "console"


def test_a_thing_is_made_once_per_stamp_and_again_for_another() -> None:
    memory, made = Memory(), []

    def make(n: int) -> list[int]:
        made.append(n)
        return [n]

    first = memory.kept("x", "monday", lambda: make(1))
    assert memory.kept("x", "monday", lambda: make(2)) is first
    assert memory.current("x", "monday") is first and memory.current("x", "tuesday") is None
    assert memory.kept("x", "tuesday", lambda: make(3)) == [3] and made == [1, 3]


def test_threads_asking_at_once_share_one_make() -> None:
    memory, made, started, go = Memory(), [], threading.Event(), threading.Event()

    def slow() -> object:
        made.append(1)
        started.set()
        go.wait()
        return object()

    got: list[object] = []
    first = threading.Thread(target=lambda: got.append(memory.kept("day", 1, slow)))
    first.start()
    started.wait()
    others = [threading.Thread(target=lambda: got.append(memory.kept("day", 1, slow))) for _ in range(4)]
    for thread in others:
        thread.start()
    go.set()
    for thread in [first, *others]:
        thread.join()
    assert made == [1] and len(got) == 5 and all(g is got[0] for g in got)


def test_forget_drops_everything_kept() -> None:
    memory = Memory()
    memory.kept("a", 1, lambda: "a")
    memory.put("b", None, "b")
    memory.forget()
    assert memory.get("a") is None and memory.get("b") is None


def test_the_app_holds_the_memory_of_its_settings_and_other_settings_have_their_own(
    settings: ConsoleSettings,
) -> None:
    app = create_app(settings, start_jobs=False)
    try:
        assert app.state.memory is settings.memory
        assert replace(settings, upload_checks=1).memory is not settings.memory
    finally:
        app.state.console.close()


def _module_level_state(path: Path) -> list[str]:
    """Return module-level names in a console module that hold state or a lock: a lock or weak dictionary by any
    name, a dict, list or set under a name that is not a constant's (constants are UPPER_CASE tables), a cache."""
    found = []
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names = [ast.unparse(target) for target in targets]
            value = node.value
            made = ast.unparse(value.func).split(".")[-1] if isinstance(value, ast.Call) else ""
            lock = made in ("Lock", "RLock", "WeakKeyDictionary", "WeakValueDictionary")
            container = isinstance(value, ast.Dict | ast.List | ast.Set) or made in (
                "dict",
                "list",
                "set",
                "OrderedDict",
            )
            constant = all(name.isupper() or name.startswith("__") for name in names)
            if lock or (container and not constant):
                found.append(f"{path.relative_to(CONSOLE)}:{node.lineno} {', '.join(names)}")
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            found += [
                f"{path.relative_to(CONSOLE)}:{node.lineno} {node.name}"
                for decorator in node.decorator_list
                if "cache" in ast.unparse(decorator)
            ]
    return found


def test_no_console_module_keeps_state_of_its_own() -> None:
    """Caches and their locks live in the one Memory object an app holds, not in modules."""
    found = [where for path in sorted(CONSOLE.rglob("*.py")) for where in _module_level_state(path)]
    assert found == []


def test_inside_one_look_the_state_is_taken_once_and_outside_every_time() -> None:
    looks: list[int] = []

    def look() -> int:
        looks.append(1)
        return len(looks)

    assert (looked_at("k", look), looked_at("k", look)) == (1, 2)  # no request: every time
    with inputs_looked_at_once():
        assert {looked_at("k", look) for _ in range(3)} == {3}
        seen_in_thread: list[int] = []
        import contextvars

        worker = threading.Thread(
            target=contextvars.copy_context().run, args=(lambda: seen_in_thread.append(looked_at("k", look)),)
        )
        worker.start()
        worker.join()
        assert seen_in_thread == [3]  # the threads a request runs its work in share its look
    assert looked_at("k", look) == 4


def test_a_page_walks_the_input_folders_once_and_the_next_page_sees_a_change(
    quiet_app: Starlette, settings: ConsoleSettings, clients: Clients, monkeypatch: pytest.MonkeyPatch
) -> None:
    walks: list[tuple[Path, bool]] = []
    walk = inputs.files_stamp

    def counted(root: Path, **options: bool) -> object:
        walks.append((root, options.get("own_folders_only", False)))
        return walk(root, **options)

    monkeypatch.setattr(inputs, "files_stamp", counted)
    clerk = clients(quiet_app, "clerk_a")
    assert clerk.get("/departments/anshan/today").status_code == 200
    walks.clear()
    first = clerk.get("/departments/anshan/today")
    assert first.status_code == 200
    assert walks == [(settings.inputs.catalogs, False)]  # one walk: the 目录 files are cut from it
    facts = settings.inputs.catalogs / "anshan" / "department.yaml"
    facts.write_text(facts.read_text(encoding="utf-8").replace("鞍山", "鞍山新", 1), encoding="utf-8")
    second = clerk.get("/departments/anshan/today")
    assert "鞍山新" in second.text and "鞍山新" not in first.text


def test_what_is_kept_long_leaves_the_collectors_walk_and_is_still_freed_when_dropped() -> None:
    import gc
    import weakref

    class Province:  # stands for a province's 台账: millions of objects
        pass

    memory = Memory()
    made = memory.kept_long("province", 1, Province)
    assert memory.kept_long("province", 1, Province) is made  # kept for its stamp, as kept()
    assert gc.get_freeze_count() > 0  # out of each full collection's walk
    gone = weakref.ref(made)
    del made
    memory.kept_long("province", 2, Province)  # another stamp: the old one is dropped
    assert gone() is None  # freed by its reference count though frozen


def test_page_views_reuse_the_folders_state_until_the_console_writes_an_input_file(
    settings: ConsoleSettings, clients: Clients, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Within settings.inputs_recheck a page view takes the input folders' state another page view took (a hand
    edit is seen that much later); a record does not end the reuse, any other form posted does (it may have
    written an input file), so what the console writes is seen by the next page."""
    patient = replace(settings, inputs_recheck=3600.0)  # its own memory
    app = create_app(patient, start_jobs=False)
    walks: list[Path] = []
    walk = inputs.files_stamp

    def counted(root: Path, **options: bool) -> object:
        walks.append(root)
        return walk(root, **options)

    monkeypatch.setattr(inputs, "files_stamp", counted)
    try:
        clerk, other = clients(app, "clerk_a"), clients(app, "clerk_b")
        first = clerk.get("/departments/anshan/today")
        walks.clear()
        facts = patient.inputs.catalogs / "anshan" / "department.yaml"
        facts.write_text(facts.read_text(encoding="utf-8").replace("鞍山", "鞍山新", 1), encoding="utf-8")
        again = clerk.get("/departments/anshan/today")
        assert walks == [] and "鞍山新" not in again.text and "鞍山新" not in first.text
        refused = clerk.submit(
            "/departments/anshan/today/record", {"c": ["x"], "result": "", "channel": "电话"}
        )
        assert refused.status_code == 400  # a record writes no input file: the reuse goes on (its error page,
        walks.clear()  # made outside the request's look, walks: what it reads, it reads afresh)
        assert clerk.get("/departments/anshan/today").status_code == 200 and walks == []
        assert other.submit("/logout", {}).status_code in (200, 303)
        after = clerk.get("/departments/anshan/today")
        assert walks == [patient.inputs.catalogs] and "鞍山新" in after.text
    finally:
        app.state.console.close()


def test_a_walk_begun_before_the_console_wrote_an_input_file_is_not_reused() -> None:
    memory = Memory()

    def written_meanwhile() -> str:
        memory.forget_looks()  # a request wrote an input file while this walk ran
        return "old"

    assert memory.recent("inputs", 60, written_meanwhile) == "old"
    assert memory.recent("inputs", 60, lambda: "new") == "new"  # the old state was not kept
    assert memory.recent("inputs", 60, lambda: "newer") == "new"  # within the seconds: reused
    assert memory.recent("inputs", 0, lambda: "now") == "now"
    memory.forget_looks()
    assert memory.recent("inputs", 60, lambda: "written") == "written"
