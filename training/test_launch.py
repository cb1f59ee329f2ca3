"""launch.py: the plan's runs, and --for's chains (each variant's phases one after another, sharing one end time)."""

import argparse
import os
import tempfile
import unittest
from unittest import mock

import launch


def args_for(runs_dir, **kw):
    a = dict(runs_dir=runs_dir, carried=None, only="", gpus=1, workers=1, mps=False, mps_dir="", common="",
             out=os.path.join(runs_dir, "packs"), for_seconds=0)
    a.update(kw)
    return argparse.Namespace(**a)


def finish(runs_dir, name):
    os.makedirs(os.path.join(runs_dir, name, "model"), exist_ok=True)
    open(os.path.join(runs_dir, name, "model", "config.json"), "w").close()


class PlanRuns(unittest.TestCase):
    def test_each_variant_at_its_next_phase(self):
        d = tempfile.mkdtemp()
        args = args_for(d)
        [(name, model, gpu, extra)] = launch.plan_runs(args, only=["hybrid-late"], gpu=3)
        self.assertEqual((name, model, gpu), ("hybrid-late", "hybrid", "3"))
        self.assertIn("M-MM-M*-", extra)
        finish(d, "hybrid-late")
        [(name, _, _, extra)] = launch.plan_runs(args, only=["hybrid-late"])
        self.assertEqual(name, "hybrid-late_ft")
        self.assertIn(os.path.join(d, "hybrid-late", "model"), extra)  # the second phase starts from the first's model
        finish(d, "hybrid-late_ft")
        self.assertEqual(launch.plan_runs(args, only=["hybrid-late"]), [])

    def test_unknown_variant(self):
        with self.assertRaises(SystemExit):
            launch.plan_runs(args_for(tempfile.mkdtemp(), only="hybrid-nowhere"))


class Chains(unittest.TestCase):
    """run_set stands in for training: a phase takes `took[name]` seconds of a fake clock and finishes, unless the
    deadline it was given is shorter (then train.py's --deadline cuts it). The chains run one after another, each
    from time 0, as if side by side."""

    def run_chains(self, took, for_seconds, only, failing=(), signalled=()):
        d = tempfile.mkdtemp()
        now = [0.0]
        calls = []

        def run_set(args, runs, workers, shared, deadline=None):
            [(name, _, gpu, _)] = runs
            calls.append((name, gpu, round(deadline)))
            if name in signalled:  # SIGUSR1 while it trains: it saves and stops (train.py) at once
                launch.stop_now()
                now[0] += 10
                return [0]
            spent = min(took[name], deadline)
            now[0] += spent
            if spent == took[name]:
                finish(d, name)
            return [1 if name in failing else 0]

        class Serial:
            """threading.Thread, run at join()."""

            def __init__(self, target, args):
                self.target, self.args = target, args

            def start(self):
                pass

            def join(self):
                now[0] = 0.0
                self.target(*self.args)

        with mock.patch.object(launch, "run_set", run_set), mock.patch.object(launch.threading, "Thread", Serial):
            launch.chains(args_for(d, for_seconds=for_seconds, only=only, gpus=2), clock=lambda: now[0])
        return calls

    def test_a_phase_that_ends_is_followed_at_once_by_the_next(self):
        calls = self.run_chains({"hybrid-late": 300, "hybrid-late_ft": 100}, 1000, "hybrid-late")
        self.assertEqual(calls, [("hybrid-late", "0", 1000), ("hybrid-late_ft", "0", 700)])

    def test_the_second_phase_gets_what_is_left_and_is_cut(self):
        calls = self.run_chains({"hybrid-early": 900, "hybrid-early_ft": 400}, 1000, "hybrid-early")
        self.assertEqual(calls, [("hybrid-early", "0", 1000), ("hybrid-early_ft", "0", 100)])

    def test_no_phase_starts_with_under_a_minute_left(self):
        calls = self.run_chains({"hybrid-early": 950, "hybrid-early_ft": 400}, 1000, "hybrid-early")
        self.assertEqual(calls, [("hybrid-early", "0", 1000)])

    def test_chains_spread_over_the_gpus(self):
        calls = self.run_chains({"hybrid-first": 10, "hybrid-first_ft": 10, "hybrid-late": 10, "hybrid-late_ft": 10},
                                1000, "hybrid-first,hybrid-late")
        self.assertEqual({(n, g) for n, g, _ in calls},
                         {("hybrid-first", "0"), ("hybrid-first_ft", "0"), ("hybrid-late", "1"), ("hybrid-late_ft", "1")})

    def test_a_failed_run_stops_its_chain(self):
        calls = self.run_chains({"hybrid-late": 0}, 1000, "hybrid-late", failing={"hybrid-late"})
        self.assertEqual(calls, [("hybrid-late", "0", 1000)])  # not started again and again

    def test_sigusr1_ends_every_chain(self):
        calls = self.run_chains({"hybrid-first": 300, "hybrid-late": 300}, 1000, "hybrid-first,hybrid-late",
                                signalled={"hybrid-first"})
        self.assertEqual(calls, [("hybrid-first", "0", 1000)])  # not resumed, and the next chain starts nothing
        launch.STOP.clear()

    def test_no_variant(self):
        with self.assertRaises(SystemExit):
            launch.chains(args_for(tempfile.mkdtemp(), for_seconds=100, only="nowhere"))


class Arguments(unittest.TestCase):
    def test_a_carried_folder_that_did_not_arrive_is_refused(self):
        missing = os.path.join(tempfile.mkdtemp(), "carry", "runs")
        argv = ["launch.py", "--out", tempfile.mkdtemp(), "--plan", "--for", "60", "--only", "hybrid-late", "--carried", missing]
        with mock.patch("sys.argv", argv), mock.patch("sys.stderr"), mock.patch.object(launch, "chains") as chains:
            with self.assertRaises(SystemExit):
                launch.main()
        chains.assert_not_called()  # refused before any run starts (from its first step)


if __name__ == "__main__":
    unittest.main()
