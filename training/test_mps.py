"""mps.py: the daemon is used only where it starts and a CUDA probe runs through it; otherwise one line says why."""

import os
import subprocess
import tempfile
import unittest

from mps import CONTROL, mps_env, start_mps


def result(code, out="", err=""):
    return subprocess.CompletedProcess([], code, out, err)


class Runner:
    """Stands in for subprocess.run: answers each command by its program, and keeps what was asked."""

    def __init__(self, daemon=0, probe=0, probe_err=""):
        self.codes = {"daemon": daemon, "probe": probe}
        self.probe_err = probe_err
        self.calls = []

    def __call__(self, cmd, **kw):
        self.calls.append((cmd, kw))
        if cmd == [CONTROL, "-d"]:
            return result(self.codes["daemon"], err="cannot start: permission denied")
        if cmd == [CONTROL]:
            return result(0)
        return result(self.codes["probe"], err=self.probe_err)


class StartMps(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp()
        self.found = lambda name: "/usr/bin/" + name

    def test_missing_program(self):
        env, why, ours = start_mps(self.dir, which=lambda name: None, run=Runner())
        self.assertIsNone(env)
        self.assertIn("not found", why)

    def test_daemon_refuses(self):
        run = Runner(daemon=1)
        env, why, ours = start_mps(self.dir, which=self.found, run=run)
        self.assertIsNone(env)
        self.assertIn("permission denied", why)
        self.assertEqual(len(run.calls), 1)  # no probe after a refusal

    def test_probe_fails_and_the_daemon_is_stopped(self):
        run = Runner(probe=1, probe_err="Traceback ...\nRuntimeError: CUDA error: MPS client failed to connect")
        env, why, ours = start_mps(self.dir, which=self.found, run=run)
        self.assertIsNone(env)
        self.assertIn("MPS client failed to connect", why)
        self.assertEqual(run.calls[-1][0], [CONTROL])
        self.assertEqual(run.calls[-1][1]["input"], "quit\n")

    def test_on(self):
        run = Runner()
        env, why, ours = start_mps(self.dir, which=self.found, run=run)
        self.assertEqual(why, "on")
        self.assertTrue(ours)
        self.assertEqual(env, mps_env(self.dir))
        for d in env.values():
            self.assertTrue(os.path.isdir(d))
        probe_env = run.calls[-1][1]["env"]
        self.assertEqual(probe_env["CUDA_MPS_PIPE_DIRECTORY"], os.path.join(self.dir, "pipe"))

    def test_a_running_daemon_is_reused(self):
        os.makedirs(os.path.join(self.dir, "pipe"))
        open(os.path.join(self.dir, "pipe", "control"), "w").close()
        run = Runner(daemon=1)  # starting a second one would fail
        env, why, ours = start_mps(self.dir, which=self.found, run=run)
        self.assertTrue(why.startswith("on"))
        self.assertFalse(ours)  # another launch started it: this one leaves it running
        self.assertNotIn([CONTROL, "-d"], [c for c, _ in run.calls])

    def test_a_failed_probe_leaves_a_daemon_it_did_not_start(self):
        os.makedirs(os.path.join(self.dir, "pipe"))
        open(os.path.join(self.dir, "pipe", "control"), "w").close()
        run = Runner(probe=1, probe_err="RuntimeError: no CUDA")
        env, why, ours = start_mps(self.dir, which=self.found, run=run)
        self.assertIsNone(env)
        self.assertNotIn([CONTROL], [c for c, _ in run.calls])


if __name__ == "__main__":
    unittest.main()
