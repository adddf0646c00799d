"""Hand a PuLP package model to a CBC binary (`cbc_path`), and read its answer back.

PuLP's own CBC call writes the MPS file through generic machinery (normalised names, a dict of
dicts per column) and parses the solution the same way; on a 100k-binary model that costs about
twice as long as CBC's own solve. This module writes the same model as a lean MPS file (columns in
variable order, short index names), runs the same binary with the same options, and reads the
solution and row duals directly; the values are then set on the PuLP variables and rows exactly as
PuLP would, so everything downstream reads the model as usual.

`CbcFile` keeps the MPS text split around the target row's right-hand side, so a sweep over
targets rewrites one line per point (see `sweep.py`).
"""

from __future__ import annotations

import importlib
import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass

import pulp

from optimizer.errors import DecontrolError
from optimizer.model.build import VALUE_UNIT, PackageModel
from optimizer.model.rows import model_rows

_SENSE = {pulp.LpConstraintEQ: "E", pulp.LpConstraintLE: "L", pulp.LpConstraintGE: "G"}


@dataclass
class CbcAnswer:
    """What one CBC run returned: PuLP-style status codes, values by variable, duals by row."""

    status: int
    sol_status: int
    values: dict[str, float]  # PuLP variable name -> value
    duals: dict[str, float]  # PuLP constraint name -> dual
    log: str
    seconds: float


class CbcCrashed(DecontrolError):
    """CBC died on a signal (CBC 2.10.3 segfaults on some small infeasible models with preprocessing
    off): no verdict; callers fall back to the other solver."""


#: Environment variable naming a CBC binary to use instead of the ones found below.
CBC_ENV = "DECONTROL_CBC"


def cbc_path() -> str:
    """The CBC binary (DecontrolError if none can run), without PuLP's deprecated `PULP_CBC_CMD`:
    `$DECONTROL_CBC` if set; else the binary PuLP 3 ships in `pulp/solverdir` (the golden figures
    were made with it: CBC 2.10.3); else `cbc` on the PATH (PuLP 4 bundles none: `pip install
    pulp[cbc]` or the system's coinor-cbc)."""
    for path in _cbc_candidates():
        if path and os.path.isfile(path) and os.access(path, os.X_OK):
            return path
    raise DecontrolError(
        f"no CBC solver found (set ${CBC_ENV}, install coinor-cbc, or use --solver highs): "
        + ", ".join(p for p in _cbc_candidates() if p)
    )


def _cbc_candidates() -> list[str]:
    env = os.environ.get(CBC_ENV, "")
    if env:
        return [env]
    coin_api = importlib.import_module("pulp.apis.coin_api")  # PuLP 3 only; PuLP 4 ships no binary
    bundled = os.path.normpath(getattr(coin_api, "pulp_cbc_path", "") or "")
    return [bundled if bundled != "." else "", shutil.which("cbc") or ""]


class CbcFile:
    """The model as MPS text; right-hand sides and bounds are written per run (a sweep moves the
    target's right-hand side; other code may fix a variable's bounds between solves).

    Fixed MPS layout as PuLP writes it (names of at most 8 characters: X<k> columns, R<k> rows, so
    up to 10 million of each); integer columns between INTORG/INTEND markers, bounds by PuLP's
    rules. Variables are the model's binaries first, then any other variable its rows or objective
    use (e.g. the coalition model's continuous one). The column section, the costly part, is kept on
    the model and reused while its objective and rows are the same objects (the duals' LP
    relaxation and every sweep point reuse the package's); rows and objectives are therefore
    replaced, never edited in place.
    """

    def __init__(self, m: PackageModel) -> None:
        prob = m.prob
        named = model_rows(prob)
        self.rows = list(named.values())
        self.row_names = list(named)
        self.maximise = prob.sense == pulp.LpMaximize
        key = (prob.objective, tuple(map(id, self.rows)))
        cached = m.solver_cache.get("cbc_columns")
        if cached is not None and cached[0][0] is key[0] and cached[0][1] == key[1]:
            self.variables, self.matrix = cached[1:]
        else:
            self.variables, self.matrix = self._columns(m)
            m.solver_cache["cbc_columns"] = (key, self.variables, self.matrix)
        self.target_row = self.row_names.index("target") if "target" in self.row_names else -1
        self.all_integer = all(v.cat == pulp.LpInteger for v in self.variables)

    def _columns(self, m: PackageModel) -> tuple[list[pulp.LpVariable], str]:
        variables = list(m.x.values())
        col = {v.name: k for k, v in enumerate(variables)}
        entries: list[list[tuple[int, float]]] = [[] for _ in variables]

        def index(var: pulp.LpVariable) -> int:
            k = col.get(var.name)
            if k is None:
                k = col[var.name] = len(variables)
                variables.append(var)
                entries.append([])
            return k

        for r, row in enumerate(self.rows):
            for var, coef in row.items():
                if coef:
                    entries[index(var)].append((r, coef))
        objective = m.prob.objective or pulp.LpAffineExpression()
        obj = {index(v): c for v, c in objective.items() if c}
        out = ["ROWS\n N  OBJ\n"]
        out += [f" {_SENSE[row.sense]}  R{r}\n" for r, row in enumerate(self.rows)]
        out.append("COLUMNS\n")
        for integer in (True, False):
            block = [k for k, v in enumerate(variables) if (v.cat == pulp.LpInteger) == integer]
            if integer and block:
                out.append("    MARK      'MARKER'                 'INTORG'\n")
            for k in block:
                name = f"X{k}"
                if k in obj:
                    out.append(f"    {name:<8}  OBJ       {obj[k]: .12e}\n")
                out += [f"    {name:<8}  {'R' + str(r):<8}  {c: .12e}\n" for r, c in entries[k]]
                if not entries[k] and k not in obj:
                    out.append(f"    {name:<8}  OBJ       {0.0: .12e}\n")  # a column must appear to exist
            if integer and block:
                out.append("    MARK      'MARKER'                 'INTEND'\n")
        return variables, "".join(out)

    def text(self, target_usd: float | None = None) -> str:
        """The MPS file, with the target row's right-hand side at `target_usd` (default: the model's)."""
        rhs = ["RHS\n"]
        for r, row in enumerate(self.rows):
            value = -row.constant
            if r == self.target_row and target_usd is not None:
                value = target_usd / VALUE_UNIT
            if value:
                rhs.append(f"    RHS       {'R' + str(r):<8}  {value: .12e}\n")
        bounds = [line for k, v in enumerate(self.variables) for line in _bounds(f"X{k}", v)]
        return "NAME          DECONTROL\n" + self.matrix + "".join(rhs) + "BOUNDS\n" + "".join(bounds) + "ENDATA\n"


def _bounds(name: str, v: pulp.LpVariable) -> list[str]:
    """Bound lines as PuLP's MPS writer makes them (COIN reads a bare integer column as binary)."""
    lo, up, integer = v.lowBound, v.upBound, v.cat == pulp.LpInteger
    if lo is not None and lo == up:
        return [f" FX BND       {name:<8}  {lo: .12e}\n"]
    if lo == 0 and up == 1 and integer:
        return [f" BV BND       {name:<8}\n"]
    out = []
    if lo is not None:
        if lo != 0 or (integer and up is None):
            out.append(f" LO BND       {name:<8}  {lo: .12e}\n")
    else:
        out.append(f" MI BND       {name:<8}\n" if up is not None else f" FR BND       {name:<8}\n")
    if up is not None:
        out.append(f" UP BND       {name:<8}  {up: .12e}\n")
    return out


def run_cbc(
    f: CbcFile,
    *,
    options: tuple[str, ...],
    time_limit: float,
    rel_gap: float,
    relaxation: bool = False,
    target_usd: float | None = None,
    start: list[float] | None = None,
) -> CbcAnswer:
    """Run CBC once on `f` (at `target_usd` if given). `start`: a value per variable (a MIP start)."""
    work = tempfile.mkdtemp(prefix="decontrol-cbc-")
    mps, sol, mst, log = (os.path.join(work, n) for n in ("model.mps", "model.sol", "start.mst", "cbc.log"))
    try:
        with open(mps, "w", encoding="ascii") as fh:
            fh.write(f.text(target_usd))
        args = [cbc_path(), mps]
        if f.maximise:
            args.append("-max")
        if start is not None and not relaxation:
            with open(mst, "w", encoding="ascii") as fh:
                fh.write("Stopped on time - objective value 0\n")
                fh.writelines(f"{k:>7} X{k} {v:>15g} {0:>23}\n" for k, v in enumerate(start))
            args += ["-mips", mst]
        args += ["-sec", f"{time_limit:g}", "-timeMode", "elapsed", "-ratio", f"{rel_gap:g}"]
        for opt in options:
            args += ["-" + opt.split()[0], *opt.split()[1:]]
        # an all-integer MIP needs only its nonzero columns back ("integer"): on 1M binaries that
        # saves writing and parsing a million lines; relaxations need every column and row dual
        printing = "integer" if f.all_integer and not relaxation else "all"
        args += ["-initialSolve" if relaxation else "-solve", "-printingOptions", printing, "-solution", sol]
        t0 = time.perf_counter()
        with open(log, "w") as out:
            code = subprocess.run(args, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL).returncode
        seconds = time.perf_counter() - t0
        with open(log, encoding="utf-8", errors="replace") as fh:
            text = fh.read()
        if code < 0:
            raise CbcCrashed(f"the CBC solver crashed (signal {-code})")
        if code != 0 or not os.path.exists(sol):
            raise DecontrolError(f"the CBC solver failed (exit code {code}): {text.strip().splitlines()[-1:]}")
        status, sol_status, values, duals = _read_solution(sol, f)
        return CbcAnswer(status, sol_status, values, duals, text, seconds)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _read_solution(path: str, f: CbcFile) -> tuple[int, int, dict[str, float], dict[str, float]]:
    """Status codes as PuLP's CBC reader sets them, then column values and row duals by PuLP name."""
    values: dict[str, float] = {}
    duals: dict[str, float] = {}
    with open(path) as fh:
        first = fh.readline().split()
        for line in fh:
            parts = line.split()
            if len(parts) < 4:
                continue
            if parts[0] == "**":
                parts = parts[1:]
            name = parts[1]
            if name[0] == "X":
                values[f.variables[int(name[1:])].name] = float(parts[2])
            elif name[0] == "R":
                duals[f.row_names[int(name[1:])]] = float(parts[3])
    return (*_status(first), values, duals)


def _status(words: list[str]) -> tuple[int, int]:
    """PuLP's reading of CBC's first solution line (`COIN_CMD.get_status`), kept identical."""
    head = words[0] if words else ""
    status = {
        "Optimal": pulp.LpStatusOptimal,
        "Infeasible": pulp.LpStatusInfeasible,
        "Integer": pulp.LpStatusInfeasible,
        "Unbounded": pulp.LpStatusUnbounded,
        "Stopped": pulp.LpStatusNotSolved,
    }.get(head, pulp.LpStatusUndefined)
    sol_status = {
        "Optimal": pulp.LpSolutionOptimal,
        "Infeasible": pulp.LpSolutionInfeasible,
        "Unbounded": pulp.LpSolutionUnbounded,
    }.get(head, pulp.LpSolutionNoSolutionFound)
    if status == pulp.LpStatusNotSolved and len(words) >= 5 and words[4] == "objective":
        status, sol_status = pulp.LpStatusOptimal, pulp.LpSolutionIntegerFeasible
    return status, sol_status


def assign(m: PackageModel, f: CbcFile, answer: CbcAnswer) -> None:
    """Set the answer on the PuLP objects (variable values, row duals, status) as PuLP's solve would."""
    for var in f.variables:
        var.varValue = answer.values.get(var.name, 0.0)
    for name, row in model_rows(m.prob).items():
        row.pi = answer.duals.get(name)
    m.prob.status, m.prob.sol_status = answer.status, answer.sol_status


__all__ = ["CbcAnswer", "CbcCrashed", "CbcFile", "assign", "cbc_path", "run_cbc"]
