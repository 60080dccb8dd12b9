"""Mini reference implementations of techniques in the graph, one readable torch file each.

This package's ``__init__`` does not import torch: it only says which file implements which
technique (each file's ``TECHNIQUES``, read without importing it), so ``lineage explain`` can
name the file without the ``techniques`` extra.  The modules themselves (every value of
:data:`IMPLEMENTATIONS`) need torch.
"""

from __future__ import annotations

from pathlib import Path

from lineage.errors import MissingExtra

INSTALL_HINT = "pip install -c constraints.txt -e '.[techniques]'"

def _implementations() -> dict[str, str]:
    """Technique id -> module, from the ``TECHNIQUES = (...)`` tuple each file here declares at top level.

    Read as text (the tuple is a literal), so listing them imports no torch.
    """
    import ast
    import re

    out: dict[str, str] = {}
    for path in sorted(Path(__file__).parent.glob("*.py")):
        m = re.search(r"^TECHNIQUES = (\([^)]*\))", path.read_text(encoding="utf-8"), re.M)
        if m:
            out.update(dict.fromkeys(ast.literal_eval(re.sub(r"#[^\n]*", "", m.group(1))), path.stem))
    return out


IMPLEMENTATIONS: dict[str, str] = _implementations()
"""Technique id -> module under lineage/techniques/ implementing it (derived from the files present)."""

PAPERS: dict[str, tuple[str, ...]] = {
    # module -> arXiv ids (or URLs) its docstring cites for the equations it implements
    "mla": ("2405.04434", "2412.19437", "2104.09864"),
    "kv_cache": ("2405.04434", "1911.02150", "2305.13245", "2310.06825"),
    "moe": ("2401.06066", "2412.19437", "1701.06538"),
    "muon": ("https://kellerjordan.github.io/posts/muon/", "2502.16982", "2507.20534"),
    "mtp": ("2412.19437", "2404.19737"),
    "dsa": ("2512.02556",),
    "yarn": ("2309.00071",),
    "mhc": ("2409.19606", "2512.24880"),
    "hash_routing": ("2106.04426",),
    "grpo": ("2402.03300",),
    "fp8_blockwise": ("2412.19437",),
    "fp4_blockwise": ("2310.10537",),
    "gated_deltanet": ("2412.06464",),
    "kda": ("2510.26692", "2412.06464"),
    "lightning_attention": ("2307.14995", "2401.04658", "2501.08313"),
    "deepseek_v4_attention": ("2606.19348", "https://huggingface.co/deepseek-ai/DeepSeek-V4-Pro"),
}


def implementation_path(technique: str) -> str | None:
    """Repository-relative path of the file implementing ``technique``, if any."""
    module = IMPLEMENTATIONS.get(technique)
    return f"lineage/techniques/{module}.py" if module else None


def module_file(technique: str) -> Path | None:
    """Absolute path of that file in this installation."""
    module = IMPLEMENTATIONS.get(technique)
    return Path(__file__).with_name(f"{module}.py") if module else None


def require_torch():
    """Import torch or raise :class:`MissingExtra` naming the install command."""
    try:
        import torch
    except ImportError:
        raise MissingExtra(f"running a technique demo needs torch, which is not installed. Run: {INSTALL_HINT}") from None
    return torch
