"""ship.py's checks before any file is copied: a variant's run must be its plan, phase by phase."""

import json
import os
import shutil
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ship  # noqa: E402

SHIPPED = "hybrid-attn2"  # a shipped ablation variant (ablations.json: attention-count 2)


def run_like(tmp, train):
    """A finished run folder holding the shipped variant's files (its weights an empty stand-in) and `train`."""
    run = os.path.join(tmp, "run")
    os.makedirs(os.path.join(run, "model"))
    for name in ship.MODEL_FILES:
        src = os.path.join(ship.MODELS, SHIPPED, name)
        if name == "model.safetensors":
            open(os.path.join(run, "model", name), "w").close()
        else:
            shutil.copyfile(src, os.path.join(run, "model", name))
    with open(os.path.join(run, "train.json"), "w") as f:
        json.dump(train, f)
    return run


@unittest.skipUnless(os.path.isdir(os.path.join(ship.MODELS, SHIPPED)), f"{SHIPPED} is not shipped")
class ShippingAVariant(unittest.TestCase):
    def setUp(self):
        with open(os.path.join(ship.MODELS, SHIPPED, "train.json")) as f:
            self.train = json.load(f)

    def test_the_shipped_run_passes_and_a_changed_setting_is_named(self):
        with tempfile.TemporaryDirectory() as tmp:
            self.assertIsNone(ship.check(run_like(tmp, self.train), SHIPPED))
        for where in ("last", "first"):
            t = json.loads(json.dumps(self.train))
            (t if where == "last" else t["base"])["args"]["pattern"] = "M-MMM-M-"
            with tempfile.TemporaryDirectory() as tmp:
                problem = ship.check(run_like(tmp, t), SHIPPED)
            self.assertRegex(problem or "", r"not hybrid-attn2's plan in pattern \(run 'M-MMM-M-', plan 'M-M\*M-\*-'\)")

    def test_a_run_of_another_model_or_without_its_first_phase_is_refused(self):
        t = dict(self.train, model="mamba2")
        with tempfile.TemporaryDirectory() as tmp:
            self.assertIn("trained a 'mamba2' model, not 'hybrid'", ship.check(run_like(tmp, t), SHIPPED))
        t = {k: v for k, v in self.train.items() if k != "base"}
        t["args"] = dict(t["args"], init_from="")
        with tempfile.TemporaryDirectory() as tmp:
            self.assertIn("no earlier phase", ship.check(run_like(tmp, t), SHIPPED))

    def test_the_variant_is_not_shipped_as_its_base(self):
        with tempfile.TemporaryDirectory() as tmp:
            self.assertIn("differs in shape from assets/models/hybrid", ship.check(run_like(tmp, self.train), "hybrid"))


if __name__ == "__main__":
    unittest.main()
