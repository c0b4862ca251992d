"""No module grows past 400 lines: a long one is split by what it is about, not into "utils"."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHECKED = ("community_hub", "tests", "bench")
LIMIT = 400


def lines_in(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines())


def test_every_python_module_is_at_most_400_lines() -> None:
    modules = sorted(p for folder in CHECKED for p in (ROOT / folder).rglob("*.py"))
    assert len(modules) > 100  # the folders were found, not a vacuous pass
    too_long = {str(p.relative_to(ROOT)): n for p in modules if (n := lines_in(p)) > LIMIT}
    assert too_long == {}, (
        f"Modules over {LIMIT} lines: split each by noun (what the code is about): "
        + ", ".join(f"{name} ({n} lines)" for name, n in too_long.items())
    )
