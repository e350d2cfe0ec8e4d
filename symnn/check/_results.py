"""Result records of the check stage: one per check, one per formula."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

__all__ = ["CheckResult", "FormulaResult", "VERDICTS"]

#: The four verdicts of a check, and the exit code of ``symnn check`` for each.
VERDICTS = {"proved": 0, "holds numerically": 0, "refuted": 1, "undecided": 3}

#: Methods whose passing result is a symbolic proof.
_PROOF_METHODS = ("symbolic proof", "proof", "proved", "identical after reading")


@dataclass
class CheckResult:
    """One check's outcome, with the numbers behind it."""

    kind: str
    ok: bool
    detail: str
    method: str = ""
    points: int = 0
    max_abs_error: float | None = None
    max_rel_error: float | None = None
    counterexample: dict | None = None
    seed: int = 0
    #: worst error as a fraction of what the method tolerates (< 1 passes; "k times beyond")
    margin: float | None = None
    #: said beside the verdict: names ``symnn check`` had to guess (``dw`` read as d w)
    warnings: tuple[str, ...] = ()
    #: what of the printed statement this check decides (a formula file's checks)
    decides: str = ""
    #: whether its verdict is one on the printed statement itself (see ``check._decides``)
    decisive: bool = False

    @property
    def verdict(self) -> str:
        """Proved, holds numerically, refuted or undecided: derived from ``ok`` and ``method``
        each time it is read, so a result amended after it was made never keeps a stale one."""
        if self.method == "undecided":
            return "undecided"
        if not self.ok:
            return "refuted"
        return ("proved" if any(m in self.method for m in _PROOF_METHODS)
                else "holds numerically")

    def as_dict(self) -> dict:
        """The fields (warnings only when there are some), and the verdict (for the JSON)."""
        out = {**asdict(self), "verdict": self.verdict}
        if not self.warnings:
            del out["warnings"]
        return out

    @classmethod
    def from_dict(cls, d: dict) -> CheckResult:
        """The inverse of :meth:`as_dict` (the verdict is derived again, not read)."""
        d = {k: v for k, v in d.items() if k != "verdict"}
        return cls(**{**d, "warnings": tuple(d.get("warnings", ()))})


@dataclass
class FormulaResult:
    """A formula's status: verified, read (parsed strictly, no semantic check), erratum (wrong
    as printed, as the file expects), refuted or error; ``as_expected`` says whether that is
    what the file declared."""

    id: str
    title_en: str
    title_fr: str
    status: str
    as_expected: bool
    checks: list[CheckResult] = field(default_factory=list)
    corrected_checks: list[CheckResult] = field(default_factory=list)
    error: str = ""
    note: str = ""

    @property
    def how(self) -> str:
        """How the verdict was reached: proved, numeric only, read only, ..."""
        if self.error:
            return "could not be read"
        methods = {c.method for c in self.checks if c.kind != "parse"}
        if not methods:
            return "read only"
        names = {"symbolic proof": "proved", "numeric only": "numeric only",
                 "numeric": "numeric", "undecided": "undecided",
                 "central differences + Richardson": "Richardson", "proof": "proved"}
        parts = {names.get(p, p) for m in methods
                 for p in ([m] if m in names else m.split(" + "))}
        return " + ".join(sorted(parts))

    @property
    def worst_margin(self) -> float | None:
        margins = [c.margin for c in self.checks if c.margin is not None]
        return max(margins) if margins else None

    @property
    def worst_error(self) -> float | None:
        errs = [c.max_rel_error for c in self.checks if c.max_rel_error is not None]
        return max(errs) if errs else None
