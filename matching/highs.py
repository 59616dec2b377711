"""HiGHS through its public Python bindings (`highspy`): one place for seed, threads, time limit and cancel.

Every LP and MIP of the engine goes through `Model`: the model is passed column-wise in one call,
columns and rows can be appended (the simplex restarts from the previous basis), and a callback on
HiGHS's simplex, IPM and MIP interrupt points stops the run within a few milliseconds of `cancel`
being set — HiGHS polls these points many times a second, so a cancelled MIP stops well within a
second (tests/test_matching_solver.py::test_cancel_stops_a_running_mip_within_a_second).
"""
from __future__ import annotations

import threading
import time

import highspy
import numpy as np
import scipy.sparse as sp

INF = highspy.kHighsInf


# HiGHS's feasibility-jump heuristic looks for a first MIP solution before the root LP; the engine's MIPs
# mostly start from an incumbent (price and branch, RINS) and their root LP finds the rest. Measured
# (min of 3 per seed, wall): M seeds 0/1/2/10/19/5/9 0.286/0.128/0.121/0.155/0.206/0.122/0.129 s with it,
# 0.241/0.125/0.127/0.146/0.194/0.117/0.126 s without (seed 0's final MIP 0.103 → 0.075 s);
# L seeds 0/2/3 unchanged, L seed 1 8.9 → 7.2 s. Off.
FEASIBILITY_JUMP = False


class Cancelled(Exception):
    """The caller's cancel flag was set while the engine was working."""


class SolverFailed(RuntimeError):
    """HiGHS stopped without an answer the engine can use (numerical trouble, out of time)."""


def is_cancelled(cancel) -> bool:
    """`cancel` is a threading.Event (anything with is_set) or a no-argument callable; None = never."""
    if cancel is None:
        return False
    return bool(cancel.is_set() if hasattr(cancel, "is_set") else cancel())


# HiGHS runs its threads in one scheduler per process, sized by the `threads` option of the first run;
# a run asking for another size fails. The size may change only while no run is under way.
_SCHEDULER = {"threads": None, "running": 0}
_SCHEDULER_LOCK = threading.Lock()


def _enter_scheduler(threads: int) -> int:
    with _SCHEDULER_LOCK:
        current = _SCHEDULER["threads"]
        if current is not None and current != threads:
            if _SCHEDULER["running"]:
                threads = current                    # share the running solve's threads
            else:
                highspy.Highs.resetGlobalScheduler(True)
        _SCHEDULER["threads"] = threads
        _SCHEDULER["running"] += 1
        return threads


def _leave_scheduler() -> None:
    with _SCHEDULER_LOCK:
        _SCHEDULER["running"] -= 1


class _QuietHighs(highspy.Highs):
    """highspy.Highs whose first construction prints no banner: `Highs.__init__` installs its
    callbacks (which emits the banner when output is on) before any option can be set."""

    def enableCallbacks(self):
        self.setOptionValue("output_flag", False)
        super().enableCallbacks()


class Model:
    """One HiGHS model: maximise cost·x subject to row_lo ≤ A x ≤ row_hi, lb ≤ x ≤ ub."""

    def __init__(self, *, seed: int, threads: int, deadline: float, cancel=None):
        self.h = _QuietHighs()
        self.deadline, self.cancel, self.threads = deadline, cancel, int(threads)
        for name, value in (("output_flag", False), ("random_seed", int(seed)),
                            ("mip_rel_gap", 0.0), ("mip_abs_gap", 0.0),
                            ("mip_heuristic_run_feasibility_jump", FEASIBILITY_JUMP)):
            self.h.setOptionValue(name, value)
        if cancel is not None:
            for event in (self.h.cbSimplexInterrupt, self.h.cbIpmInterrupt, self.h.cbMipInterrupt):
                event.subscribe(self._poll)

    def _poll(self, event) -> None:
        if is_cancelled(self.cancel):
            event.interrupt()

    def load(self, cost, lb, ub, A: sp.csc_matrix, row_lo, row_hi, integer: bool = False,
             presolve: bool = True) -> None:
        A = sp.csc_matrix(A)
        integrality = np.full(len(cost), 1 if integer else 0, dtype=np.int32)
        self.h.setOptionValue("presolve", "on" if presolve else "off")
        self._ok("passModel", self.h.passModel(int(A.shape[1]), int(A.shape[0]), int(A.nnz), int(highspy.MatrixFormat.kColwise),
                         int(highspy.ObjSense.kMaximize), 0.0, np.asarray(cost, float), np.asarray(lb, float),
                         np.asarray(ub, float), np.asarray(row_lo, float), np.asarray(row_hi, float),
                         A.indptr.astype(np.int32), A.indices.astype(np.int32), A.data.astype(float), integrality))

    def add_cols(self, cost, lb, ub, A: sp.csc_matrix) -> None:
        A = sp.csc_matrix(A)
        self._ok("addCols", self.h.addCols(len(cost), np.asarray(cost, float), np.asarray(lb, float),
                                           np.asarray(ub, float), int(A.nnz), A.indptr[:-1].astype(np.int32),
                                           A.indices.astype(np.int32), A.data.astype(float)))

    def add_rows(self, lo, hi, A: sp.csr_matrix) -> None:
        A = sp.csr_matrix(A)
        self._ok("addRows", self.h.addRows(len(lo), np.asarray(lo, float), np.asarray(hi, float), int(A.nnz),
                                           A.indptr[:-1].astype(np.int32), A.indices.astype(np.int32),
                                           A.data.astype(float)))

    @staticmethod
    def _ok(what: str, status) -> None:
        if status == highspy.HighsStatus.kError:
            raise SolverFailed(f"HiGHS {what} refused the model")

    def set_start(self, values) -> None:
        """A feasible solution to start the MIP from (its value prunes the search at once)."""
        v = np.asarray(values, dtype=float)
        self.h.setSolution(len(v), np.arange(len(v), dtype=np.int32), v)

    def num_cols(self) -> int:
        return int(self.h.getNumCol())

    def run(self) -> str:
        """Solve; returns "optimal", "infeasible" or "time_limit" (MIP: a solution may exist).
        Raises Cancelled when the cancel flag stopped it, SolverFailed on any other outcome."""
        if is_cancelled(self.cancel):
            raise Cancelled()
        self.h.setOptionValue("time_limit", max(0.05, self.deadline - time.perf_counter()))
        self.h.setOptionValue("threads", _enter_scheduler(self.threads))
        try:
            self.h.run()
        finally:
            _leave_scheduler()
        st = self.h.getModelStatus()
        S = highspy.HighsModelStatus
        if st == S.kInterrupt or is_cancelled(self.cancel):
            raise Cancelled()
        if st == S.kOptimal:
            return "optimal"
        if st == S.kInfeasible:
            return "infeasible"
        if st == S.kTimeLimit:
            return "time_limit"
        raise SolverFailed(f"HiGHS: {self.h.modelStatusToString(st)}")

    def objective(self) -> float:
        return float(self.h.getInfo().objective_function_value)

    def values(self) -> np.ndarray:
        return np.asarray(self.h.getSolution().col_value, dtype=float)

    def row_duals(self) -> np.ndarray:
        return np.asarray(self.h.getSolution().row_dual, dtype=float)

    def has_solution(self) -> bool:
        return bool(self.h.getInfo().primal_solution_status == highspy.kSolutionStatusFeasible)
